#!/usr/bin/env python3
"""Link records.csv with Splink (DuckDB backend) and write pairs.csv (left_id,right_id,score).
Baseline for `retrace match`; see compare.sh."""
import sys
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

inp, out = sys.argv[1], sys.argv[2]
df = pd.read_csv(inp, dtype=str, keep_default_na=False).replace('', None)
df = df.rename(columns={'id': 'unique_id'})
parts = df['full_name'].fillna('').str.lower().str.split()
df['first_name'] = parts.str[0]
df['surname'] = parts.str[-1]
df['year'] = df['birth_date'].str[:4]
settings = SettingsCreator(
    link_type='dedupe_only',
    blocking_rules_to_generate_predictions=[
        block_on('first_name', 'surname'), block_on('surname', 'year'), block_on('first_name', 'year'),
        block_on('birth_date'),
    ],
    comparisons=[
        cl.JaroWinklerAtThresholds('first_name', [0.9, 0.8]),
        cl.JaroWinklerAtThresholds('surname', [0.9, 0.8]),
        cl.JaroWinklerAtThresholds('father_name', [0.9, 0.8]),
        cl.JaroWinklerAtThresholds('mother_name', [0.9]),
        cl.ExactMatch('birth_date'), cl.ExactMatch('year'), cl.ExactMatch('sex'), cl.ExactMatch('nationality'),
        cl.JaroWinklerAtThresholds('birth_place', [0.9]),
    ],
)
db_api = DuckDBAPI()
linker = Linker(db_api.register(df), settings)
linker.training.estimate_probability_two_random_records_match([block_on('first_name', 'surname', 'year')], recall=0.7)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
linker.training.estimate_parameters_using_expectation_maximisation(block_on('first_name', 'surname'))
linker.training.estimate_parameters_using_expectation_maximisation(block_on('birth_date'))
pred = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
pred[['unique_id_l', 'unique_id_r', 'match_probability']].rename(
    columns={'unique_id_l': 'left_id', 'unique_id_r': 'right_id', 'match_probability': 'score'}).to_csv(out, index=False)
