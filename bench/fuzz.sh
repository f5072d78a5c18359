#!/usr/bin/env bash
# Fuzzes every parser that takes outside input (issue 19, item 4; ADR 0032):
# builds the cargo-fuzz crate in fuzz/ (not a workspace member) on stable
# Rust with RUSTC_BOOTSTRAP=1, runs each target for a fixed time from seed
# corpora taken from the repository's fixtures, and prints per target the
# executions, executions per second, coverage and crashes.
#
#   bench/fuzz.sh [seconds-per-target]        (default 120)
#
# Environment: FUZZ_WORK (corpora, artifacts, build; default
# ${TMPDIR:-/tmp}/retrace-fuzz, never inside the repository), FUZZ_TARGETS
# (space-separated subset), FUZZ_SANITIZER (default none; address needs a
# toolchain with its runtime), FUZZ_RSS_MB (default 2048), FUZZ_TIMEOUT
# (seconds one input may take, default 10).
# Exits non-zero when a target crashed, hung past the timeout or ran out
# of memory; the input is in $FUZZ_WORK/artifacts/<target>/.
set -euo pipefail

budget=${1:-120}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${FUZZ_WORK:-${TMPDIR:-/tmp}/retrace-fuzz}
sanitizer=${FUZZ_SANITIZER:-none}
rss_mb=${FUZZ_RSS_MB:-2048}
timeout=${FUZZ_TIMEOUT:-10}
case "$work" in
"$root"/*) echo "FUZZ_WORK must be outside the repository" >&2 && exit 2 ;;
esac
mkdir -p "$work"

# cargo-fuzz's sanitizer and coverage flags are unstable rustc options: on
# a stable toolchain RUSTC_BOOTSTRAP lets rustc accept them (ADR 0032).
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
	cargo install cargo-fuzz --locked
fi

cd "$root/fuzz"
all_targets=$(cargo fuzz list)
targets=${FUZZ_TARGETS:-$all_targets}
echo "== build (sanitizer: $sanitizer, debug assertions on)"
# cargo fuzz build takes one target, or none for all of them.
if [ "$targets" = "$all_targets" ]; then
	cargo fuzz build --sanitizer "$sanitizer" --debug-assertions --target-dir "$work/target"
else
	for target in $targets; do
		cargo fuzz build --sanitizer "$sanitizer" --debug-assertions --target-dir "$work/target" "$target"
	done
fi
bin_dir="$work/target/$(rustc -vV | sed -n 's/^host: //p')/release"

echo "== seed corpora"
seeds="$work/seeds"
rm -rf "$seeds"
python3 - "$root" "$seeds" <<'PY'
import io, os, re, sys, zipfile, glob
root, out = sys.argv[1], sys.argv[2]

def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)

# Gallery photos: the hostile-upload corpus of the web tests.
for path in sorted(glob.glob(os.path.join(root, "crates/retrace-web/tests/hostile-uploads/*"))):
    put("photo", os.path.basename(path), open(path, "rb").read())

# PFIF: Person Finder's test feeds (the crate's copy and the shared one).
for path in sorted(glob.glob(os.path.join(root, "crates/retrace-pfif/test-data/*.xml"))
                   + glob.glob("/work/shared/interop/pfif/*.xml")):
    put("pfif", "seed-" + os.path.basename(path), open(path, "rb").read())

# Dates.
for i, d in enumerate(["1990", "~1985-05", "2000-02-29", " ~ 2026-11-30 ", "1880-01-01"]):
    put("partial_date", f"d{i}", d)

# CSV import: the first byte chooses encoding, kind and mapping.
registrations = ("name,alternate_names,sex,birth_date,age,birth_place,nationalities,"
                 "father_name,mother_name,last_known_place,marks,contact,registration_kind,row_id\n"
                 "Amina Yusuf,Aminah Yousef|أمينة يوسف,f,1990-05,,Aleppo,SY,Yusuf,Mariam,Athens,,+30 21 0000,safe,1\n"
                 "Amina Yusuf,,female,,34,,SY,,,,scar,,,2\n"
                 "\"Quoted, Name\",,m,~1985,,,\"SY,IQ\",,,,,,seeking,3\n")
requests = ("enquirer_name,enquirer_contact,relationship,sought_name,sought_sex,sought_birth_date,"
            "sought_age,context,separation_date,separation_place,news_date,narrative\n"
            "Hawa Hassan,+32 470 00 00,son,Bilal Hassan,m,2012,,migration,2025-03,Libya,2025-04,Last seen on the boat\n"
            "Hawa Hassan,,daughter,=HYPERLINK(\"x\"),f,,9,conflict,,,,\n")
put("csv_import", "registrations", b"\x00" + registrations.encode())
put("csv_import", "requests", b"\x02" + requests.encode())
put("csv_import", "semicolon-1252", b"\x01" + registrations.replace(",", ";").encode("utf-8").replace(b"Athens", b"Ath\xe8nes"))
put("csv_import", "utf16", b"\x00" + b"\xff\xfe" + registrations.encode("utf-16-le"))
put("csv_import", "tabs-by-position", b"\x04" + registrations.replace(",", "\t").encode())

def xlsx(rows):
    cells = "".join(
        "<row r=\"%d\">%s</row>" % (r + 1, "".join(
            "<c r=\"%s%d\" t=\"inlineStr\"><is><t>%s</t></is></c>" % (chr(65 + c), r + 1, v)
            for c, v in enumerate(row)))
        for r, row in enumerate(rows))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>' % cells)
    return buf.getvalue()

put("csv_import", "xlsx", b"\x00" + xlsx([r.split(",") for r in registrations.splitlines()[:3]]))

# `retrace match` input: the shared benchmark's records, a slice.
records = "/work/shared/bench/dev/records.csv"
if os.path.exists(records):
    lines = open(records, encoding="utf-8").read().splitlines()
    for i in range(4):
        put("match_csv", f"records-{i}", "\n".join([lines[0]] + lines[1 + i * 20: 21 + i * 20]) + "\n")
put("match_csv", "minimal", "id,full_name,sex,birth_date,age,father_name,mother_name,birth_place,nationality,last_seen_place\n"
    "1,Amina Yusuf,F,1990-05,,Yusuf,,Aleppo,SY,\n2,أمينة يوسف,F,,34,,,,SY,Athens\n")

# Library documents: the first byte chooses the format (pdf, docx, odt,
# txt, html, md, as DocumentFormat::ALL orders them).
def zipped(parts):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(name, text)
    return buf.getvalue()

text = "Family tracing: réfugiés, لاجئون, беженцы."
stream = b"BT /F1 12 Tf 72 712 Td (Family tracing guide) Tj ET"
objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
           b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
           b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
pdf = bytearray(b"%PDF-1.4\n")
offsets = []
for i, body in enumerate(objects):
    offsets.append(len(pdf))
    pdf += b"%d 0 obj\n%s\nendobj\n" % (i + 1, body)
xref = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
for o in offsets:
    pdf += b"%010d 00000 n \n" % o
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
put("extract", "pdf", b"\x00" + bytes(pdf))
put("extract", "docx", b"\x01" + zipped([("[Content_Types].xml", "<Types/>"), ("word/document.xml",
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p><w:p><w:r><w:tab/><w:t xml:space="preserve"> second </w:t></w:r></w:p></w:body></w:document>' % text)]))
put("extract", "odt", b"\x02" + zipped([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml",
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:h>Title</text:h><text:p>%s<text:s/>x<text:tab/>y</text:p></office:text></office:body></office:document-content>' % text)]))
put("extract", "txt", b"\x03" + text.encode())
put("extract", "html", b"\x04" + ('<!doctype html><html><head><title>t</title><style>p{}</style><script>x()</script></head><body><h1>Guide</h1><p>%s &amp; &eacute; &#x41;</p><!-- c --></body></html>' % text).encode())
put("extract", "md", b"\x05" + ("# Guide\n\n*%s* [link](http://example.org) `code`\n\n```\nblock\n```\n> quote\n- item\n" % text).encode())

# JSON bodies: every one-line JSON object of the web tests, for each
# request type (the first byte chooses among 25).
bodies = []
for path in sorted(glob.glob(os.path.join(root, "crates/retrace-web/tests/it/*.rs"))):
    for m in re.finditer(r'r#"(\{[^\n]*?\})"#', open(path, encoding="utf-8").read()):
        if m.group(1) not in bodies:
            bodies.append(m.group(1))
for i, body in enumerate(bodies[:80]):
    for which in range(25):
        put("json_api", f"b{i}-{which}", bytes([which]) + body.encode())

# Query strings: the first byte chooses among 9 filters.
for i, q in enumerate(["status=open&nationality=SY&from=2026-01-01&to=2026-02-01&q=Yusuf&name=%D8%A3%D9%85%D9%8A%D9%86%D8%A9&assigned=me&flag=minor&review=1&sort=oldest&page=2",
                       "q=r%C3%A9fugi%C3%A9s&language=fr&country=FR&page=3", "from=2024&to=2026",
                       "open_now=1&service=legal&kind=ngo&city=Paris", "theme=a&theme=b&page=99999999999"]):
    for which in range(9):
        put("query", f"q{i}-{which}", bytes([which]) + q.encode())
PY
for dir in "$seeds"/*; do
	echo "   $(basename "$dir"): $(find "$dir" -type f | wc -l) seeds"
done

echo "== run: ${budget}s per target, load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
status=0
report="$work/report.tsv"
printf 'target\tseconds\texecutions\texec/s\tcov\tft\tcorpus\tcrashes\n' >"$report"
for target in $targets; do
	corpus="$work/corpus/$target"
	artifacts="$work/artifacts/$target"
	mkdir -p "$corpus" "$artifacts"
	log="$work/$target.log"
	args=()
	[ -d "$seeds/$target" ] && args+=("$seeds/$target")
	start=$(date +%s)
	set +e
	"$bin_dir/$target" -max_total_time="$budget" -rss_limit_mb="$rss_mb" -timeout="$timeout" \
		-max_len=262144 -print_final_stats=1 -artifact_prefix="$artifacts/" \
		"$corpus" "${args[@]}" >"$log" 2>&1
	code=$?
	set -e
	elapsed=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	units=$(find "$corpus" -type f | wc -l)
	crashes=$(find "$artifacts" -type f | wc -l)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$elapsed" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "${ft:-?}" "$units" "$crashes" | tee -a "$report"
	if [ "$code" -ne 0 ] || [ "$crashes" -gt 0 ]; then
		status=1
		echo "   $target: exit $code; artifacts in $artifacts, log $log" >&2
		grep -m3 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" >&2 || true
	fi
done

echo "== summary (load average $(cut -d' ' -f1-3 /proc/loadavg))"
column -t -s $'\t' "$report"
exit "$status"
