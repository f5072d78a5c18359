//! The toolbox of the referral mechanism: practical tools (screening of
//! trafficking indicators, risk assessment, informed consent, needs,
//! safety plan, return and reintegration plan, interview notes, closure)
//! filled on screen and saved to a referral.
//!
//! Key design decision: a tool is data, a list of typed fields with labels
//! and help in the four languages, not a hand-written page. The built-in
//! tools are below; an organisation administrator adds more with the same
//! shape. A filled tool keeps a copy of the definition it was filled with,
//! so a later change to the tool never changes what was recorded.

use crate::person::code_enum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

code_enum!(
    /// What a tool field holds.
    FieldKind, "kind" {
        Text => "text",
        LongText => "long_text",
        YesNo => "yes_no",
        Number => "number",
        Date => "date",
    }
);

/// A text in each of the four languages of the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translated {
    pub en: String,
    pub fr: String,
    pub ar: String,
    pub es: String,
}

impl Translated {
    /// The text in `lang` (`en`, `fr`, `ar`, `es`), English otherwise.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "fr" => &self.fr,
            "ar" => &self.ar,
            "es" => &self.es,
            _ => &self.en,
        }
    }
}

fn t(en: &str, fr: &str, ar: &str, es: &str) -> Translated {
    Translated {
        en: en.to_owned(),
        fr: fr.to_owned(),
        ar: ar.to_owned(),
        es: es.to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolField {
    pub key: String,
    pub kind: FieldKind,
    pub required: bool,
    pub label: Translated,
    pub help: Translated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolDefinition {
    pub key: String,
    pub title: Translated,
    pub fields: Vec<ToolField>,
}

/// Why a definition or a filled value is refused: the field (a JSON path
/// such as `values.age`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    pub field: String,
    pub problem: crate::Problem,
}

impl ToolError {
    fn new(field: impl Into<String>, problem: crate::Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl ToolDefinition {
    /// A definition an administrator may add: a key of lowercase letters,
    /// digits and `_`, a title and labels in every language, one to forty
    /// fields with distinct keys.
    pub fn check(&self) -> Result<(), ToolError> {
        if !valid_key(&self.key) {
            return Err(ToolError::new("key", crate::Problem::ToolKey));
        }
        let complete = |t: &Translated| {
            [&t.en, &t.fr, &t.ar, &t.es]
                .iter()
                .all(|s| !s.trim().is_empty() && s.chars().count() <= 300)
        };
        if !complete(&self.title) {
            return Err(ToolError::new("title", crate::Problem::ToolTitle));
        }
        if self.fields.is_empty() || self.fields.len() > 40 {
            return Err(ToolError::new("fields", crate::Problem::ToolFieldCount));
        }
        for (n, field) in self.fields.iter().enumerate() {
            if !valid_key(&field.key) {
                return Err(ToolError::new(
                    format!("fields[{n}].key"),
                    crate::Problem::ToolKey,
                ));
            }
            if self.fields.iter().filter(|f| f.key == field.key).count() > 1 {
                return Err(ToolError::new(
                    format!("fields[{n}].key"),
                    crate::Problem::ToolFieldKeyRepeated,
                ));
            }
            if !complete(&field.label) {
                return Err(ToolError::new(
                    format!("fields[{n}].label"),
                    crate::Problem::ToolLabel,
                ));
            }
        }
        Ok(())
    }

    /// Checks filled values against the fields: every required field
    /// present, each value of its field's type, no unknown field. Returns
    /// the values normalised (trimmed text, `yes`/`no`, integers, dates).
    pub fn check_values(
        &self,
        values: &BTreeMap<String, RawValue>,
    ) -> Result<BTreeMap<String, String>, ToolError> {
        self.check_all_values(values).map_err(|errors| {
            // `check_all_values` refuses only with at least one error.
            errors
                .into_iter()
                .next()
                .unwrap_or_else(|| ToolError::new("values", crate::Problem::Required))
        })
    }

    /// `check_values`, refusing with every error at once (never none).
    pub fn check_all_values(
        &self,
        values: &BTreeMap<String, RawValue>,
    ) -> Result<BTreeMap<String, String>, Vec<ToolError>> {
        let mut errors: Vec<ToolError> = values
            .keys()
            .filter(|k| !self.fields.iter().any(|f| &f.key == *k))
            .map(|unknown| {
                ToolError::new(format!("values.{unknown}"), crate::Problem::NotAToolField)
            })
            .collect();
        let mut checked = BTreeMap::new();
        for field in &self.fields {
            let path = format!("values.{}", field.key);
            let value = match values.get(&field.key) {
                None => None,
                Some(RawValue::Text(s)) if s.trim().is_empty() => None,
                Some(v) => Some(v),
            };
            let Some(value) = value else {
                if field.required {
                    errors.push(ToolError::new(path, crate::Problem::Required));
                }
                continue;
            };
            let normalised = match (field.kind, value) {
                (FieldKind::Text, RawValue::Text(s)) if s.chars().count() <= 500 => {
                    s.trim().to_owned()
                }
                (FieldKind::LongText, RawValue::Text(s)) if s.chars().count() <= 5000 => {
                    s.trim().to_owned()
                }
                (FieldKind::Text | FieldKind::LongText, RawValue::Text(_)) => {
                    errors.push(ToolError::new(path, crate::Problem::TextTooLong));
                    continue;
                }
                (FieldKind::YesNo, RawValue::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
                (FieldKind::YesNo, RawValue::Text(s)) if matches!(s.trim(), "yes" | "no") => {
                    s.trim().to_owned()
                }
                (FieldKind::Number, RawValue::Integer(n)) => n.to_string(),
                (FieldKind::Number, RawValue::Text(s)) if s.trim().parse::<i64>().is_ok() => {
                    s.trim().to_owned()
                }
                (FieldKind::Date, RawValue::Text(s)) if is_date(s.trim()) => s.trim().to_owned(),
                (kind, _) => {
                    errors.push(ToolError::new(
                        path,
                        match kind {
                            FieldKind::Text | FieldKind::LongText => crate::Problem::MustBeText,
                            FieldKind::YesNo => crate::Problem::YesOrNo,
                            FieldKind::Number => crate::Problem::WholeNumber,
                            FieldKind::Date => crate::Problem::Date,
                        },
                    ));
                    continue;
                }
            };
            checked.insert(field.key.clone(), normalised);
        }
        if errors.is_empty() {
            Ok(checked)
        } else {
            Err(errors)
        }
    }
}

fn is_date(value: &str) -> bool {
    time::Date::parse(
        value,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok()
}

/// A value as typed in a form (text) or sent in JSON (text, boolean or
/// integer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    Text(String),
    Bool(bool),
    Integer(i64),
    /// Anything else JSON can hold (an array, an object, a fraction):
    /// never of any field's type.
    Other,
}

fn field(
    key: &str,
    kind: FieldKind,
    required: bool,
    label: Translated,
    help: Translated,
) -> ToolField {
    ToolField {
        key: key.to_owned(),
        kind,
        required,
        label,
        help,
    }
}

fn no_help() -> Translated {
    t("", "", "", "")
}

/// The tools every organisation has.
pub fn builtin_tools() -> Vec<ToolDefinition> {
    use FieldKind::*;
    vec![
        ToolDefinition {
            key: "screening".into(),
            title: t(
                "First-contact screening of trafficking indicators",
                "Repérage des indicateurs de traite au premier contact",
                "الفحص الأولي لمؤشرات الاتجار بالبشر",
                "Detección de indicadores de trata en el primer contacto",
            ),
            fields: vec![
                field(
                    "deceived_about_work",
                    YesNo,
                    true,
                    t(
                        "Deceived about the work or conditions",
                        "Trompé·e sur le travail ou les conditions",
                        "خُدع بشأن العمل أو ظروفه",
                        "Engañado/a sobre el trabajo o las condiciones",
                    ),
                    t(
                        "Promised one job, made to do another.",
                        "Un emploi promis, un autre imposé.",
                        "وُعد بعمل وأُجبر على آخر.",
                        "Se prometió un trabajo y se impuso otro.",
                    ),
                ),
                field(
                    "documents_withheld",
                    YesNo,
                    true,
                    t(
                        "Identity documents withheld by someone else",
                        "Documents d'identité retenus par un tiers",
                        "وثائق الهوية محتجزة لدى شخص آخر",
                        "Documentos de identidad retenidos por otra persona",
                    ),
                    no_help(),
                ),
                field(
                    "debt_bondage",
                    YesNo,
                    true,
                    t(
                        "Owes a debt to the recruiter or employer",
                        "Doit une dette au recruteur ou à l'employeur",
                        "مدين للمجنِّد أو صاحب العمل",
                        "Tiene una deuda con el reclutador o empleador",
                    ),
                    no_help(),
                ),
                field(
                    "notes",
                    LongText,
                    false,
                    t("Observations", "Observations", "ملاحظات", "Observaciones"),
                    t(
                        "Facts only, in the person's words where possible.",
                        "Des faits seulement, avec les mots de la personne si possible.",
                        "الوقائع فقط، وبكلمات الشخص إن أمكن.",
                        "Solo hechos, con las palabras de la persona si es posible.",
                    ),
                ),
            ],
        },
        ToolDefinition {
            key: "risk_assessment".into(),
            title: t(
                "Risk assessment",
                "Évaluation des risques",
                "تقييم المخاطر",
                "Evaluación de riesgos",
            ),
            fields: vec![
                field(
                    "threat_known",
                    YesNo,
                    true,
                    t(
                        "A specific threat is known",
                        "Une menace précise est connue",
                        "هناك تهديد محدد معروف",
                        "Se conoce una amenaza concreta",
                    ),
                    no_help(),
                ),
                field(
                    "who_at_risk",
                    Text,
                    true,
                    t(
                        "Who is at risk",
                        "Qui est en danger",
                        "من المعرَّض للخطر",
                        "Quién está en riesgo",
                    ),
                    t(
                        "The person, relatives, witnesses.",
                        "La personne, ses proches, des témoins.",
                        "الشخص أو أقاربه أو الشهود.",
                        "La persona, familiares, testigos.",
                    ),
                ),
                field(
                    "level",
                    Number,
                    true,
                    t(
                        "Risk level from 1 (low) to 5 (high)",
                        "Niveau de risque de 1 (faible) à 5 (élevé)",
                        "مستوى الخطر من 1 (منخفض) إلى 5 (مرتفع)",
                        "Nivel de riesgo de 1 (bajo) a 5 (alto)",
                    ),
                    no_help(),
                ),
                field(
                    "assessed_on",
                    Date,
                    true,
                    t("Assessed on", "Évalué le", "تاريخ التقييم", "Evaluado el"),
                    no_help(),
                ),
            ],
        },
        ToolDefinition {
            key: "informed_consent".into(),
            title: t(
                "Informed-consent record",
                "Attestation de consentement éclairé",
                "سجل الموافقة المستنيرة",
                "Registro de consentimiento informado",
            ),
            fields: vec![
                field(
                    "explained_in_language",
                    Text,
                    true,
                    t(
                        "Explained in which language",
                        "Expliqué dans quelle langue",
                        "بأي لغة تم الشرح",
                        "Explicado en qué idioma",
                    ),
                    no_help(),
                ),
                field(
                    "agrees_to_referral",
                    YesNo,
                    true,
                    t(
                        "Agrees to the referral",
                        "Accepte le renvoi",
                        "يوافق على الإحالة",
                        "Acepta la derivación",
                    ),
                    no_help(),
                ),
                field(
                    "agrees_to_share_contact",
                    YesNo,
                    true,
                    t(
                        "Agrees to share contact details",
                        "Accepte de partager ses coordonnées",
                        "يوافق على مشاركة بيانات الاتصال",
                        "Acepta compartir sus datos de contacto",
                    ),
                    no_help(),
                ),
                field(
                    "recorded_on",
                    Date,
                    true,
                    t(
                        "Recorded on",
                        "Enregistré le",
                        "تاريخ التسجيل",
                        "Registrado el",
                    ),
                    no_help(),
                ),
            ],
        },
        ToolDefinition {
            key: "needs_assessment".into(),
            title: t(
                "Needs assessment",
                "Évaluation des besoins",
                "تقييم الاحتياجات",
                "Evaluación de necesidades",
            ),
            fields: vec![
                field(
                    "shelter_needed",
                    YesNo,
                    true,
                    t(
                        "Needs safe accommodation",
                        "A besoin d'un hébergement sûr",
                        "يحتاج إلى مأوى آمن",
                        "Necesita alojamiento seguro",
                    ),
                    no_help(),
                ),
                field(
                    "medical_needs",
                    LongText,
                    false,
                    t(
                        "Medical needs",
                        "Besoins médicaux",
                        "الاحتياجات الطبية",
                        "Necesidades médicas",
                    ),
                    no_help(),
                ),
                field(
                    "dependants",
                    Number,
                    false,
                    t(
                        "Number of dependants",
                        "Nombre de personnes à charge",
                        "عدد المُعالين",
                        "Número de personas a cargo",
                    ),
                    no_help(),
                ),
            ],
        },
        ToolDefinition {
            key: "safety_plan".into(),
            title: t(
                "Safety plan",
                "Plan de sécurité",
                "خطة السلامة",
                "Plan de seguridad",
            ),
            fields: vec![
                field(
                    "safe_contact",
                    Text,
                    true,
                    t(
                        "Safe way to reach the person",
                        "Moyen sûr de joindre la personne",
                        "وسيلة آمنة للتواصل مع الشخص",
                        "Forma segura de contactar a la persona",
                    ),
                    no_help(),
                ),
                field(
                    "places_to_avoid",
                    LongText,
                    false,
                    t(
                        "Places and people to avoid",
                        "Lieux et personnes à éviter",
                        "أماكن وأشخاص يجب تجنبهم",
                        "Lugares y personas que evitar",
                    ),
                    no_help(),
                ),
                field(
                    "emergency_plan",
                    LongText,
                    true,
                    t(
                        "What to do in an emergency",
                        "Que faire en cas d'urgence",
                        "ما العمل في حالة الطوارئ",
                        "Qué hacer en una emergencia",
                    ),
                    no_help(),
                ),
            ],
        },
        ToolDefinition {
            key: "return_plan".into(),
            title: t(
                "Return and reintegration plan",
                "Plan de retour et de réintégration",
                "خطة العودة وإعادة الإدماج",
                "Plan de retorno y reintegración",
            ),
            fields: vec![
                field(
                    "return_date",
                    Date,
                    false,
                    t(
                        "Planned return date",
                        "Date de retour prévue",
                        "تاريخ العودة المخطط",
                        "Fecha de retorno prevista",
                    ),
                    no_help(),
                ),
                field(
                    "family_assessed",
                    YesNo,
                    true,
                    t(
                        "Family or community assessed as safe",
                        "Famille ou communauté jugée sûre",
                        "تم تقييم الأسرة أو المجتمع على أنه آمن",
                        "Familia o comunidad evaluada como segura",
                    ),
                    no_help(),
                ),
                field(
                    "reintegration_support",
                    LongText,
                    true,
                    t(
                        "Reintegration support agreed",
                        "Soutien à la réintégration convenu",
                        "دعم إعادة الإدماج المتفق عليه",
                        "Apoyo a la reintegración acordado",
                    ),
                    no_help(),
                ),
            ],
        },
        ToolDefinition {
            key: "interview_notes".into(),
            title: t(
                "Interview guide notes",
                "Notes du guide d'entretien",
                "ملاحظات دليل المقابلة",
                "Notas de la guía de entrevista",
            ),
            fields: vec![
                field(
                    "interview_date",
                    Date,
                    true,
                    t(
                        "Interview date",
                        "Date de l'entretien",
                        "تاريخ المقابلة",
                        "Fecha de la entrevista",
                    ),
                    no_help(),
                ),
                field(
                    "interpreter_present",
                    YesNo,
                    true,
                    t(
                        "Interpreter present",
                        "Interprète présent",
                        "حضور مترجم",
                        "Intérprete presente",
                    ),
                    no_help(),
                ),
                field(
                    "notes",
                    LongText,
                    true,
                    t("Notes", "Notes", "ملاحظات", "Notas"),
                    t(
                        "Avoid re-traumatising questions; the person may stop at any time.",
                        "Éviter les questions retraumatisantes ; la personne peut arrêter à tout moment.",
                        "تجنَّب الأسئلة التي تعيد الصدمة؛ يمكن للشخص التوقف في أي وقت.",
                        "Evite preguntas que retraumaticen; la persona puede parar en cualquier momento.",
                    ),
                ),
            ],
        },
        ToolDefinition {
            key: "case_closure".into(),
            title: t(
                "Case closure form",
                "Formulaire de clôture du dossier",
                "استمارة إغلاق الحالة",
                "Formulario de cierre del caso",
            ),
            fields: vec![
                field(
                    "closed_on",
                    Date,
                    true,
                    t("Closed on", "Clôturé le", "تاريخ الإغلاق", "Cerrado el"),
                    no_help(),
                ),
                field(
                    "person_informed",
                    YesNo,
                    true,
                    t(
                        "The person was informed of the closure",
                        "La personne a été informée de la clôture",
                        "أُبلغ الشخص بإغلاق الحالة",
                        "Se informó a la persona del cierre",
                    ),
                    no_help(),
                ),
                field(
                    "summary",
                    LongText,
                    true,
                    t(
                        "Summary of the assistance",
                        "Résumé de l'assistance",
                        "ملخص المساعدة",
                        "Resumen de la asistencia",
                    ),
                    no_help(),
                ),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_builtin_tools_are_valid_and_complete_in_four_languages() {
        let tools = builtin_tools();
        assert!(tools.len() >= 8);
        for tool in &tools {
            assert_eq!(tool.check(), Ok(()), "{}", tool.key);
        }
    }

    #[test]
    fn values_are_checked_by_type_naming_the_field() {
        let tool = builtin_tools()
            .into_iter()
            .find(|t| t.key == "risk_assessment")
            .unwrap();
        let mut values = BTreeMap::from([
            ("threat_known".to_owned(), RawValue::Bool(true)),
            (
                "who_at_risk".to_owned(),
                RawValue::Text(" the person ".into()),
            ),
            ("level".to_owned(), RawValue::Integer(4)),
            (
                "assessed_on".to_owned(),
                RawValue::Text("2026-05-31".into()),
            ),
        ]);
        let checked = tool.check_values(&values).unwrap();
        assert_eq!(checked["threat_known"], "yes");
        assert_eq!(checked["who_at_risk"], "the person");
        values.insert("level".into(), RawValue::Text("high".into()));
        assert_eq!(
            tool.check_values(&values).unwrap_err().field,
            "values.level"
        );
        values.insert("level".into(), RawValue::Integer(3));
        values.insert("assessed_on".into(), RawValue::Text("31/05/2026".into()));
        assert_eq!(
            tool.check_values(&values).unwrap_err().field,
            "values.assessed_on"
        );
        values.insert("assessed_on".into(), RawValue::Text("2026-05-31".into()));
        values.insert("threat_known".into(), RawValue::Other);
        assert_eq!(
            tool.check_values(&values).unwrap_err().field,
            "values.threat_known"
        );
        values.remove("threat_known");
        assert_eq!(
            tool.check_values(&values).unwrap_err().problem,
            crate::Problem::Required
        );
        values.insert("threat_known".into(), RawValue::Text("no".into()));
        values.insert("colour".into(), RawValue::Text("x".into()));
        assert_eq!(
            tool.check_values(&values).unwrap_err().field,
            "values.colour"
        );
    }
}
