//! Demo data for the directory of services, the country profiles and the
//! library: 54 country profiles, 312 directory entries and 68 documents in
//! five languages. Every text here was written for this project (short,
//! plausible, generated from a few sentences per language); none is copied
//! from a real document, and every name, telephone number and address is
//! invented.

use retrace_domain::directory::{
    Eligibility, EntryKind, LanguageCode, OpeningHours, Service, SexLimit, UtcOffset, Visibility,
};
use retrace_domain::library::{DocumentFormat, DocumentType, TextLanguage};
use retrace_domain::{CountryCode, OrgId, PartialDate, Text, Timestamp, UserId};
use retrace_store::{
    AuditContext, DocumentMeta, EntryDetails, NewDocument, OrgScope, ProfileContent, Store,
};

/// An organisation that maintains demo entries: its id, country and the
/// coordinator acting for it.
#[derive(Debug, Clone, Copy)]
pub struct Maintainer {
    pub org: OrgId,
    pub country: CountryCode,
    pub coordinator: UserId,
}

/// Country, its name, main language of its services, UTC offset, two
/// cities.
const COUNTRIES: [(&str, &str, &str, &str, [&str; 2]); 54] = [
    ("BE", "Belgium", "fr", "+01:00", ["Brussels", "Liège"]),
    ("FR", "France", "fr", "+01:00", ["Lyon", "Marseille"]),
    ("IT", "Italy", "en", "+01:00", ["Rome", "Palermo"]),
    ("GR", "Greece", "en", "+02:00", ["Athens", "Thessaloniki"]),
    ("LB", "Lebanon", "ar", "+02:00", ["Beirut", "Tripoli"]),
    ("ES", "Spain", "es", "+01:00", ["Madrid", "Málaga"]),
    ("DE", "Germany", "en", "+01:00", ["Berlin", "Munich"]),
    (
        "NL",
        "Netherlands",
        "en",
        "+01:00",
        ["Amsterdam", "Rotterdam"],
    ),
    ("CH", "Switzerland", "fr", "+01:00", ["Geneva", "Lausanne"]),
    ("AT", "Austria", "en", "+01:00", ["Vienna", "Graz"]),
    ("PT", "Portugal", "en", "+00:00", ["Lisbon", "Porto"]),
    ("PL", "Poland", "en", "+01:00", ["Warsaw", "Kraków"]),
    ("RO", "Romania", "en", "+02:00", ["Bucharest", "Iași"]),
    ("BG", "Bulgaria", "en", "+02:00", ["Sofia", "Varna"]),
    ("HU", "Hungary", "en", "+01:00", ["Budapest", "Szeged"]),
    ("SE", "Sweden", "en", "+01:00", ["Stockholm", "Malmö"]),
    ("TR", "Türkiye", "en", "+03:00", ["Istanbul", "Gaziantep"]),
    ("JO", "Jordan", "ar", "+03:00", ["Amman", "Irbid"]),
    ("EG", "Egypt", "ar", "+02:00", ["Cairo", "Alexandria"]),
    ("MA", "Morocco", "fr", "+01:00", ["Rabat", "Tangier"]),
    ("TN", "Tunisia", "fr", "+01:00", ["Tunis", "Sfax"]),
    ("DZ", "Algeria", "ar", "+01:00", ["Algiers", "Oran"]),
    ("LY", "Libya", "ar", "+02:00", ["Tripoli", "Benghazi"]),
    ("IQ", "Iraq", "ar", "+03:00", ["Baghdad", "Erbil"]),
    ("SY", "Syria", "ar", "+03:00", ["Damascus", "Aleppo"]),
    ("YE", "Yemen", "ar", "+03:00", ["Aden", "Sana'a"]),
    ("SD", "Sudan", "ar", "+02:00", ["Khartoum", "Port Sudan"]),
    ("SN", "Senegal", "fr", "+00:00", ["Dakar", "Saint-Louis"]),
    ("ML", "Mali", "fr", "+00:00", ["Bamako", "Gao"]),
    ("NE", "Niger", "fr", "+01:00", ["Niamey", "Agadez"]),
    ("CI", "Côte d'Ivoire", "fr", "+00:00", ["Abidjan", "Bouaké"]),
    ("GN", "Guinea", "fr", "+00:00", ["Conakry", "Kankan"]),
    ("NG", "Nigeria", "en", "+01:00", ["Lagos", "Benin City"]),
    ("GH", "Ghana", "en", "+00:00", ["Accra", "Kumasi"]),
    (
        "ET",
        "Ethiopia",
        "en",
        "+03:00",
        ["Addis Ababa", "Dire Dawa"],
    ),
    ("ER", "Eritrea", "en", "+03:00", ["Asmara", "Massawa"]),
    ("SO", "Somalia", "en", "+03:00", ["Mogadishu", "Hargeisa"]),
    ("KE", "Kenya", "en", "+03:00", ["Nairobi", "Mombasa"]),
    ("AF", "Afghanistan", "en", "+04:30", ["Kabul", "Herat"]),
    ("PK", "Pakistan", "en", "+05:00", ["Islamabad", "Quetta"]),
    ("IR", "Iran", "en", "+03:30", ["Tehran", "Mashhad"]),
    ("BD", "Bangladesh", "en", "+06:00", ["Dhaka", "Cox's Bazar"]),
    ("UA", "Ukraine", "en", "+02:00", ["Kyiv", "Lviv"]),
    ("MD", "Moldova", "en", "+02:00", ["Chișinău", "Bălți"]),
    ("GE", "Georgia", "en", "+04:00", ["Tbilisi", "Batumi"]),
    ("AM", "Armenia", "en", "+04:00", ["Yerevan", "Gyumri"]),
    (
        "MX",
        "Mexico",
        "es",
        "-06:00",
        ["Ciudad de México", "Tapachula"],
    ),
    (
        "GT",
        "Guatemala",
        "es",
        "-06:00",
        ["Guatemala City", "Quetzaltenango"],
    ),
    (
        "HN",
        "Honduras",
        "es",
        "-06:00",
        ["Tegucigalpa", "San Pedro Sula"],
    ),
    (
        "SV",
        "El Salvador",
        "es",
        "-06:00",
        ["San Salvador", "Santa Ana"],
    ),
    ("CO", "Colombia", "es", "-05:00", ["Bogotá", "Cúcuta"]),
    ("VE", "Venezuela", "es", "-04:00", ["Caracas", "Maracaibo"]),
    ("PE", "Peru", "es", "-05:00", ["Lima", "Tumbes"]),
    ("EC", "Ecuador", "es", "-05:00", ["Quito", "Guayaquil"]),
];

/// The service patterns placed in every city of the first countries: the
/// kind, its name by language (en, fr, ar, es), services and hours.
struct Pattern {
    kind: EntryKind,
    names: [&'static str; 4],
    services: &'static [Service],
    hours: &'static str,
    sex: SexLimit,
    min_age: Option<u8>,
    max_age: Option<u8>,
}

const PATTERNS: [Pattern; 6] = [
    Pattern {
        kind: EntryKind::Shelter,
        names: [
            "Safe House",
            "Maison d'accueil",
            "دار الإيواء",
            "Casa de acogida",
        ],
        services: &[Service::Accommodation, Service::Psychosocial, Service::Food],
        hours: "24/7",
        sex: SexLimit::Female,
        min_age: Some(18),
        max_age: None,
    },
    Pattern {
        kind: EntryKind::LegalAid,
        names: [
            "Legal Aid Clinic",
            "Permanence juridique",
            "عيادة المساعدة القانونية",
            "Clínica jurídica",
        ],
        services: &[
            Service::LegalAdvice,
            Service::AsylumInformation,
            Service::Interpretation,
        ],
        hours: "Mo-Fr 09:00-17:00",
        sex: SexLimit::Any,
        min_age: None,
        max_age: None,
    },
    Pattern {
        kind: EntryKind::Health,
        names: [
            "Community Health Centre",
            "Centre de santé",
            "المركز الصحي المجتمعي",
            "Centro de salud",
        ],
        services: &[Service::Medical, Service::Psychosocial],
        hours: "Mo-Sa 08:00-20:00",
        sex: SexLimit::Any,
        min_age: None,
        max_age: None,
    },
    Pattern {
        kind: EntryKind::FamilyLinks,
        names: [
            "Family Links Desk",
            "Service liens familiaux",
            "مكتب الروابط العائلية",
            "Oficina de contacto familiar",
        ],
        services: &[Service::FamilyLinks, Service::Interpretation],
        hours: "Mo-Th 09:00-16:00; Fr 09:00-12:00",
        sex: SexLimit::Any,
        min_age: None,
        max_age: None,
    },
    Pattern {
        kind: EntryKind::Ngo,
        names: [
            "Youth Protection Project",
            "Projet protection des mineurs",
            "مشروع حماية القاصرين",
            "Proyecto de protección de menores",
        ],
        services: &[
            Service::ChildProtection,
            Service::Accommodation,
            Service::Psychosocial,
        ],
        hours: "Mo-Fr 10:00-18:00",
        sex: SexLimit::Any,
        min_age: Some(12),
        max_age: Some(17),
    },
    Pattern {
        kind: EntryKind::LabourInspection,
        names: [
            "Labour Rights Office",
            "Inspection du travail",
            "مكتب حقوق العمال",
            "Inspección de trabajo",
        ],
        services: &[Service::LabourRights, Service::VictimIdentification],
        hours: "Mo-Fr 08:30-16:30",
        sex: SexLimit::Any,
        min_age: Some(16),
        max_age: None,
    },
];

fn language_index(code: &str) -> usize {
    match code {
        "fr" => 1,
        "ar" => 2,
        "es" => 3,
        _ => 0,
    }
}

fn text(value: &str) -> anyhow::Result<Text> {
    Ok(Text::parse("text", value, 20_000, true)?)
}

/// The entries of the first 26 countries: six services in each of two
/// cities (312).
pub fn entries() -> anyhow::Result<Vec<(CountryCode, EntryDetails)>> {
    let mut out = Vec::new();
    for (n, (code, name, lang, offset, cities)) in COUNTRIES.iter().take(26).enumerate() {
        let country = CountryCode::parse(code)?;
        for (c, city) in cities.iter().enumerate() {
            for (p, pattern) in PATTERNS.iter().enumerate() {
                let i = language_index(lang);
                let local = pattern.names.get(i).copied().unwrap_or(pattern.names[0]);
                let mut languages = vec![LanguageCode::parse(lang)?, LanguageCode::parse("en")?];
                if p % 2 == 0 {
                    languages.push(LanguageCode::parse("ar")?);
                }
                languages.sort();
                languages.dedup();
                let visibility = match (n + c + p) % 9 {
                    0 => Visibility::OwnOrganisation,
                    1 | 2 => Visibility::AllOrganisations,
                    _ => Visibility::Public,
                };
                let number = 1000 + n * 37 + c * 11 + p;
                out.push((
                    country,
                    EntryDetails {
                        name: text(&format!("{local} {city}"))?,
                        kind: pattern.kind,
                        country,
                        city: text(city)?,
                        services: pattern.services.to_vec(),
                        languages,
                        description: Some(text(&format!(
                            "{} in {city}, {name}. Demo entry written for retrace: call before coming; interpreters on request.",
                            pattern.names[0]
                        ))?),
                        address: Some(text(&format!("{} Example Street, {city}", 10 + p * 7))?),
                        phone: Some(text(&format!("+000 555 {number:04}"))?),
                        email: Some(text(&format!(
                            "contact{number}@services.example"
                        ))?),
                        website: None,
                        opening_hours: OpeningHours::parse(pattern.hours)?,
                        utc_offset: UtcOffset::parse(offset)?,
                        eligibility: Eligibility::new(
                            pattern.min_age,
                            pattern.max_age,
                            pattern.sex,
                            Vec::new(),
                        )?,
                        visibility,
                    },
                ));
            }
        }
    }
    Ok(out)
}

/// A country profile, written from a few sentences for every country.
fn profile(name: &str, cities: &[&str; 2], revised: bool) -> anyhow::Result<ProfileContent> {
    let [capital, second] = cities;
    Ok(ProfileContent {
        legal_framework: Some(text(&format!(
            "{name} criminalises trafficking in persons in its criminal code and grants victims a recovery and reflection period. Asylum claims are heard by a national asylum authority with an appeal to an administrative court. (Demo summary written for retrace; check the sources before relying on it.)"
        ))?),
        referral_mechanism: Some(text(&format!(
            "{name} has a national referral mechanism coordinated from {capital}. Presumed victims are referred by police, labour inspectors or NGOs to specialised shelters; a multidisciplinary team meets weekly.{}",
            if revised {
                " Since the last review, child victims are referred directly to the child protection service."
            } else {
                ""
            }
        ))?),
        focal_points: Some(text(&format!(
            "National anti-trafficking coordinator's office, {capital} (demo contact: focal.point@{}.example). Regional focal point in {second}.",
            name.to_lowercase().replace([' ', '\''], "-")
        ))?),
        family_links: Some(text(&format!(
            "The National Red Cross or Red Crescent Society's family-links service in {capital} receives tracing requests and relays family messages."
        ))?),
        entry_and_return: Some(text(&format!(
            "Entry: a visa or residence permit is required for most nationalities; people asking for protection at the border are referred to the asylum authority. Return: voluntary return is arranged with IOM from {capital}."
        ))?),
        sources: Some(text(
            "Demo sources: national legislation database; annual report of the national rapporteur (fictitious references for the demo)",
        )?),
        last_reviewed: Some(PartialDate::parse(if revised {
            "2026-09"
        } else {
            "2026-03"
        })?),
    })
}

/// The library's texts: eight topics in four languages.
struct Topic {
    kind: DocumentType,
    theme: &'static str,
    /// (language, title, text)
    versions: [(TextLanguage, &'static str, &'static str); 4],
}

const TOPICS: [Topic; 8] = [
    Topic {
        kind: DocumentType::Sop,
        theme: "identification",
        versions: [
            (
                TextLanguage::En,
                "Identifying victims of trafficking",
                "This procedure explains how frontline staff identify presumed victims of trafficking. Look for indicators: confiscated documents, debts to an employer, no freedom of movement. Ask open questions in a safe place, with an interpreter the person trusts, and refer them to the national referral mechanism within 24 hours.",
            ),
            (
                TextLanguage::Fr,
                "Identification des victimes de la traite",
                "Cette procédure explique comment le personnel de première ligne identifie les victimes présumées de la traite. Repérez les indicateurs : documents confisqués, dettes envers un employeur, absence de liberté de mouvement. Posez des questions ouvertes dans un lieu sûr, avec un interprète de confiance, et orientez la personne vers le mécanisme national d'orientation dans les 24 heures.",
            ),
            (
                TextLanguage::Ar,
                "تحديد ضحايا الاتجار بالبشر",
                "يشرح هذا الإجراء كيف يحدد العاملون في الخطوط الأمامية الضحايا المفترضين للاتجار بالبشر. ابحث عن المؤشرات: وثائق مصادرة، وديون لصاحب العمل، وغياب حرية التنقل. اطرح أسئلة مفتوحة في مكان آمن بحضور مترجم تثق به الضحية، وأحِلها إلى آلية الإحالة الوطنية خلال أربع وعشرين ساعة.",
            ),
            (
                TextLanguage::Es,
                "Identificación de víctimas de trata",
                "Este procedimiento explica cómo el personal de primera línea identifica a las presuntas víctimas de trata. Busque indicadores: documentos confiscados, deudas con un empleador, falta de libertad de movimiento. Haga preguntas abiertas en un lugar seguro, con un intérprete de confianza, y derive a la persona al mecanismo nacional de derivación en 24 horas.",
            ),
        ],
    },
    Topic {
        kind: DocumentType::Guideline,
        theme: "family-links",
        versions: [
            (
                TextLanguage::En,
                "Family reunification and restoring family links",
                "Families separated by conflict or migration can ask the Red Cross and Red Crescent to search for their relatives. A tracing request records the sought person's names in every script, places and dates of separation. Family reunification follows once both sides consent.",
            ),
            (
                TextLanguage::Fr,
                "Réunification familiale et rétablissement des liens familiaux",
                "Les familles séparées par un conflit ou la migration peuvent demander à la Croix-Rouge et au Croissant-Rouge de rechercher leurs proches. Une demande de recherche consigne les noms de la personne recherchée dans chaque écriture, les lieux et les dates de séparation. La réunification familiale suit lorsque les deux parties y consentent.",
            ),
            (
                TextLanguage::Ar,
                "لمّ شمل الأسرة وإعادة الروابط العائلية",
                "يمكن للعائلات التي فرّقها النزاع أو الهجرة أن تطلب من الصليب الأحمر والهلال الأحمر البحث عن أقاربها. يسجّل طلب البحث أسماء الشخص المفقود بكل الكتابات، وأماكن الانفصال وتواريخه. ويتم لمّ شمل الأسرة عندما يوافق الطرفان.",
            ),
            (
                TextLanguage::Es,
                "Reunificación familiar y restablecimiento del contacto",
                "Las familias separadas por un conflicto o la migración pueden pedir a la Cruz Roja y la Media Luna Roja que busquen a sus familiares. Una solicitud de búsqueda registra los nombres de la persona buscada en cada escritura, los lugares y las fechas de separación. La reunificación familiar sigue cuando ambas partes consienten.",
            ),
        ],
    },
    Topic {
        kind: DocumentType::Guideline,
        theme: "children",
        versions: [
            (
                TextLanguage::En,
                "Protection of unaccompanied children",
                "An unaccompanied child is appointed a guardian without delay. Age assessment is a last resort and the benefit of the doubt applies. Children are never placed in detention; they are referred to child protection services and, where safe, helped to trace their family.",
            ),
            (
                TextLanguage::Fr,
                "Protection des mineurs non accompagnés",
                "Un mineur non accompagné se voit désigner un tuteur sans délai. L'évaluation de l'âge est un dernier recours et le bénéfice du doute s'applique. Les enfants ne sont jamais placés en rétention ; ils sont orientés vers les services de protection de l'enfance et, si c'est sûr, aidés à retrouver leur famille.",
            ),
            (
                TextLanguage::Ar,
                "حماية الأطفال غير المصحوبين",
                "يُعيَّن للطفل غير المصحوب وصيّ دون تأخير. ولا يُلجأ إلى تقدير العمر إلا كحل أخير مع تطبيق مبدأ الاستفادة من الشك. لا يُحتجز الأطفال أبداً، بل يُحالون إلى خدمات حماية الطفل، ويُساعَدون على البحث عن عائلاتهم متى كان ذلك آمناً.",
            ),
            (
                TextLanguage::Es,
                "Protección de menores no acompañados",
                "A un menor no acompañado se le asigna un tutor sin demora. La evaluación de la edad es el último recurso y se aplica el beneficio de la duda. Los niños nunca son detenidos; se derivan a los servicios de protección de la infancia y, cuando es seguro, se les ayuda a buscar a su familia.",
            ),
        ],
    },
    Topic {
        kind: DocumentType::Sop,
        theme: "shelter",
        versions: [
            (
                TextLanguage::En,
                "Referral to a safe shelter",
                "Before referring a person to a shelter, check the shelter's eligibility limits (age, sex, nationality) in the directory and call ahead. Share only what the shelter needs and what the person agreed to. Accompany the person when travelling alone is unsafe.",
            ),
            (
                TextLanguage::Fr,
                "Orientation vers un foyer sûr",
                "Avant d'orienter une personne vers un foyer, vérifiez dans l'annuaire les conditions d'accueil (âge, sexe, nationalité) et appelez à l'avance. Ne transmettez que ce dont le foyer a besoin et ce que la personne a accepté. Accompagnez la personne lorsque voyager seule n'est pas sûr.",
            ),
            (
                TextLanguage::Ar,
                "الإحالة إلى مأوى آمن",
                "قبل إحالة شخص إلى مأوى، تحقّق في الدليل من شروط القبول (العمر والجنس والجنسية) واتصل مسبقاً. لا تشارك إلا ما يحتاجه المأوى وما وافق عليه الشخص. رافق الشخص عندما يكون السفر بمفرده غير آمن.",
            ),
            (
                TextLanguage::Es,
                "Derivación a un albergue seguro",
                "Antes de derivar a una persona a un albergue, compruebe en el directorio los requisitos de admisión (edad, sexo, nacionalidad) y llame con antelación. Comparta solo lo que el albergue necesita y lo que la persona aceptó. Acompañe a la persona cuando viajar sola no es seguro.",
            ),
        ],
    },
    Topic {
        kind: DocumentType::Guideline,
        theme: "return",
        versions: [
            (
                TextLanguage::En,
                "Assisted voluntary return",
                "Voluntary return is an informed choice, never a condition of assistance. Explain the options, the reintegration support available in the country of origin and the risks. A risk assessment is made before any return of a victim of trafficking.",
            ),
            (
                TextLanguage::Fr,
                "Retour volontaire assisté",
                "Le retour volontaire est un choix éclairé, jamais une condition de l'assistance. Expliquez les options, l'aide à la réintégration disponible dans le pays d'origine et les risques. Une évaluation des risques précède tout retour d'une victime de la traite.",
            ),
            (
                TextLanguage::Ar,
                "العودة الطوعية المدعومة",
                "العودة الطوعية خيار مستنير، وليست أبداً شرطاً للحصول على المساعدة. اشرح الخيارات ودعم إعادة الإدماج المتاح في بلد المنشأ والمخاطر. ويُجرى تقييم للمخاطر قبل أي عودة لضحية من ضحايا الاتجار.",
            ),
            (
                TextLanguage::Es,
                "Retorno voluntario asistido",
                "El retorno voluntario es una decisión informada, nunca una condición de la asistencia. Explique las opciones, el apoyo a la reintegración disponible en el país de origen y los riesgos. Antes de cualquier retorno de una víctima de trata se realiza una evaluación de riesgos.",
            ),
        ],
    },
    Topic {
        kind: DocumentType::Training,
        theme: "labour",
        versions: [
            (
                TextLanguage::En,
                "Labour exploitation: training for inspectors",
                "This training module helps labour inspectors recognise forced labour on farms, building sites and in domestic work. It covers withheld wages, excessive hours, threats and isolation, and how to hand a case to the police without exposing the worker.",
            ),
            (
                TextLanguage::Fr,
                "Exploitation par le travail : formation des inspecteurs",
                "Ce module de formation aide les inspecteurs du travail à reconnaître le travail forcé dans les exploitations agricoles, sur les chantiers et dans le travail domestique. Il traite des salaires retenus, des horaires excessifs, des menaces et de l'isolement, et de la transmission d'un dossier à la police sans exposer le travailleur.",
            ),
            (
                TextLanguage::Ar,
                "الاستغلال في العمل: تدريب المفتشين",
                "تساعد هذه الوحدة التدريبية مفتشي العمل على التعرف على العمل القسري في المزارع ومواقع البناء والعمل المنزلي. وتتناول الأجور المحتجزة وساعات العمل المفرطة والتهديد والعزل، وكيفية إحالة الحالة إلى الشرطة دون تعريض العامل للخطر.",
            ),
            (
                TextLanguage::Es,
                "Explotación laboral: formación de inspectores",
                "Este módulo de formación ayuda a los inspectores de trabajo a reconocer el trabajo forzoso en fincas, obras y trabajo doméstico. Trata los salarios retenidos, las jornadas excesivas, las amenazas y el aislamiento, y cómo entregar un caso a la policía sin exponer al trabajador.",
            ),
        ],
    },
    Topic {
        kind: DocumentType::Law,
        theme: "asylum",
        versions: [
            (
                TextLanguage::En,
                "The right to seek asylum: summary of the law",
                "Everyone has the right to apply for international protection. An application can be made at the border or inside the country; the applicant may stay until a final decision, receives reception conditions and may appeal a refusal.",
            ),
            (
                TextLanguage::Fr,
                "Le droit de demander l'asile : résumé de la loi",
                "Toute personne a le droit de demander une protection internationale. Une demande peut être faite à la frontière ou sur le territoire ; le demandeur peut rester jusqu'à la décision définitive, bénéficie de conditions d'accueil et peut faire appel d'un refus.",
            ),
            (
                TextLanguage::Ar,
                "الحق في طلب اللجوء: ملخص القانون",
                "لكل شخص الحق في طلب الحماية الدولية. ويمكن تقديم الطلب على الحدود أو داخل البلد، ويحق لمقدم الطلب البقاء حتى صدور القرار النهائي، والحصول على ظروف الاستقبال، والطعن في الرفض.",
            ),
            (
                TextLanguage::Es,
                "El derecho a solicitar asilo: resumen de la ley",
                "Toda persona tiene derecho a solicitar protección internacional. La solicitud puede presentarse en la frontera o dentro del país; el solicitante puede permanecer hasta la decisión definitiva, recibe condiciones de acogida y puede recurrir una denegación.",
            ),
        ],
    },
    Topic {
        kind: DocumentType::Form,
        theme: "consent",
        versions: [
            (
                TextLanguage::En,
                "Consent form for sharing information",
                "I agree that my name, my contact details and the details of my case are shared with the organisation named below, for the purpose stated. I can withdraw this consent at any time by telling any staff member.",
            ),
            (
                TextLanguage::Fr,
                "Formulaire de consentement au partage d'informations",
                "J'accepte que mon nom, mes coordonnées et les éléments de mon dossier soient transmis à l'organisation nommée ci-dessous, dans le but indiqué. Je peux retirer ce consentement à tout moment en le disant à un membre du personnel.",
            ),
            (
                TextLanguage::Ar,
                "استمارة الموافقة على مشاركة المعلومات",
                "أوافق على مشاركة اسمي وبيانات الاتصال بي وتفاصيل حالتي مع المنظمة المذكورة أدناه، للغرض المحدد. ويمكنني سحب هذه الموافقة في أي وقت بإبلاغ أي موظف.",
            ),
            (
                TextLanguage::Es,
                "Formulario de consentimiento para compartir información",
                "Acepto que mi nombre, mis datos de contacto y los detalles de mi caso se compartan con la organización indicada abajo, con el fin señalado. Puedo retirar este consentimiento en cualquier momento diciéndolo a cualquier miembro del personal.",
            ),
        ],
    },
];

/// Two Russian documents, for the fifth analysed language.
const RUSSIAN: [(&str, &str); 2] = [
    (
        "Защита беженцев и жертв торговли людьми",
        "Это руководство описывает, как сотрудники выявляют жертв торговли людьми среди беженцев и направляют их в безопасные приюты. Беженцы имеют право на убежище и на помощь переводчика.",
    ),
    (
        "Восстановление семейных связей",
        "Семьи, разлучённые войной или миграцией, могут обратиться в Красный Крест, чтобы найти своих родственников. Запрос на розыск фиксирует имена, места и даты разлуки.",
    ),
];

/// A document's file in one of the six formats, chosen by `which`: TXT,
/// Markdown, HTML, then PDF, DOCX, ODT (PDF only for Latin-script text,
/// which its standard font can show; others get DOCX instead).
fn document_file(
    theme: &str,
    suffix: &str,
    language: TextLanguage,
    which: usize,
    title: &str,
    body: &str,
) -> anyhow::Result<(String, DocumentFormat, Vec<u8>)> {
    use retrace_app::sample_files;
    let latin = TextLanguage::by_script(body).is_none();
    let (format, bytes) = match which % 6 {
        0 => (DocumentFormat::Txt, format!("{title}\n\n{body}\n").into_bytes()),
        1 => (DocumentFormat::Markdown, format!("# {title}\n\n{body}\n").into_bytes()),
        2 => (
            DocumentFormat::Html,
            format!(
                "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>",
                language.as_str()
            )
            .into_bytes(),
        ),
        3 if latin => {
            // One line of about 90 characters per PDF line.
            let mut lines = vec![title.to_owned(), String::new()];
            for word in body.split(' ') {
                match lines.last_mut() {
                    Some(line) if line.chars().count() + word.chars().count() < 90 => {
                        if !line.is_empty() {
                            line.push(' ');
                        }
                        line.push_str(word);
                    }
                    _ => lines.push(word.to_owned()),
                }
            }
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            (DocumentFormat::Pdf, sample_files::pdf(&lines))
        }
        5 => (DocumentFormat::Odt, sample_files::odt(&[title, body])?),
        _ => (DocumentFormat::Docx, sample_files::docx(&[title, body])?),
    };
    let file_name = format!("{theme}-{suffix}.{}", format.as_str());
    Ok((file_name, format, bytes))
}

/// The documents: each topic in four languages for two countries (the
/// second in the office formats), and the Russian ones (68 in all).
pub fn documents() -> anyhow::Result<Vec<NewDocument>> {
    let mut out = Vec::new();
    for (t, topic) in TOPICS.iter().enumerate() {
        for (round, countries) in [["BE", "FR"], ["LB", "IT"]].iter().enumerate() {
            for (v, (language, title, body)) in topic.versions.iter().enumerate() {
                let visibility = match (t + v + round) % 7 {
                    0 => Visibility::OwnOrganisation,
                    1 | 2 => Visibility::AllOrganisations,
                    _ => Visibility::Public,
                };
                let suffix = countries.join("-");
                let (file_name, format, bytes) = document_file(
                    topic.theme,
                    &suffix,
                    *language,
                    // The second round is in the office formats.
                    v % 3 + 3 * round,
                    title,
                    body,
                )?;
                let text = retrace_app::extract::text_of(format, &bytes);
                out.push(NewDocument {
                    meta: DocumentMeta {
                        title: Text::parse(
                            "title",
                            &format!("{title} ({})", countries.join(", ")),
                            300,
                            false,
                        )?,
                        summary: Some(Text::parse(
                            "summary",
                            body.split(". ").next().unwrap_or(body),
                            4000,
                            true,
                        )?),
                        language: *language,
                        themes: vec![topic.theme.to_owned()],
                        countries: countries
                            .iter()
                            .map(|c| CountryCode::parse(c))
                            .collect::<Result<_, _>>()?,
                        document_type: topic.kind,
                        visibility,
                    },
                    file_name,
                    format,
                    bytes,
                    text,
                });
            }
        }
    }
    for (title, body) in RUSSIAN {
        out.push(NewDocument {
            meta: DocumentMeta {
                title: Text::parse("title", title, 300, false)?,
                summary: None,
                language: TextLanguage::Ru,
                themes: vec!["refugees".to_owned()],
                countries: vec![CountryCode::parse("UA")?],
                document_type: DocumentType::Guideline,
                visibility: Visibility::Public,
            },
            file_name: "guide-ru.txt".to_owned(),
            format: DocumentFormat::Txt,
            bytes: body.as_bytes().to_vec(),
            text: Some(body.to_owned()),
        });
    }
    Ok(out)
}

fn acting(at: Timestamp, maintainer: &Maintainer) -> AuditContext {
    AuditContext {
        at,
        actor: Some(maintainer.coordinator),
        org: Some(maintainer.org),
        purpose: Some("demo data".to_owned()),
    }
}

/// Loads the profiles, entries and documents. Entries belong to the demo
/// organisation of their country, else to the first organisation.
pub async fn load(
    store: &dyn Store,
    maintainers: &[Maintainer],
    now: Timestamp,
) -> anyhow::Result<()> {
    let Some(first) = maintainers.first() else {
        return Ok(());
    };
    let owner = |country: CountryCode| {
        maintainers
            .iter()
            .find(|m| m.country == country)
            .unwrap_or(first)
    };
    for (code, name, _, _, cities) in COUNTRIES {
        let country = CountryCode::parse(code)?;
        let maintainer = owner(country);
        let scope = OrgScope::new(maintainer.org);
        store
            .revise_country_profile(
                &acting(now, maintainer),
                &scope,
                country,
                0,
                &profile(name, &cities, false)?,
            )
            .await?;
        if maintainers.iter().any(|m| m.country == country) {
            store
                .revise_country_profile(
                    &acting(now, maintainer),
                    &scope,
                    country,
                    1,
                    &profile(name, &cities, true)?,
                )
                .await?;
        }
    }
    for (country, details) in entries()? {
        let maintainer = owner(country);
        store
            .create_directory_entry(
                &acting(now, maintainer),
                &OrgScope::new(maintainer.org),
                &details,
            )
            .await?;
    }
    for (i, document) in documents()?.iter().enumerate() {
        let maintainer = maintainers.get(i % maintainers.len()).unwrap_or(first);
        store
            .upload_document(
                &acting(now, maintainer),
                &OrgScope::new(maintainer.org),
                document,
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests"
)]
mod tests {
    use super::*;
    use retrace_domain::library::SearchQuery;
    use retrace_store::{DirectoryStore, LibraryFilter, LibrarySort, Viewer};

    #[test]
    fn the_demo_has_the_promised_amounts() {
        assert!(COUNTRIES.len() >= 50);
        assert!(entries().unwrap().len() >= 300);
        let documents = documents().unwrap();
        assert!(documents.len() >= 60);
        let languages: std::collections::BTreeSet<_> =
            documents.iter().map(|d| d.meta.language).collect();
        assert_eq!(languages.len(), 5);
        assert!(documents.iter().all(|d| d.text.is_some()));
    }

    /// The first five documents a member finds for a query.
    async fn search(
        store: &impl DirectoryStore,
        scope: OrgScope,
        query: &str,
        reader: TextLanguage,
    ) -> Vec<retrace_store::LibraryHit> {
        let filter = LibraryFilter {
            query: Some(SearchQuery::parse(query, reader).unwrap()),
            document_type: None,
            language: None,
            country: None,
            theme: None,
            sort: LibrarySort::Relevance,
            limit: 5,
            offset: 0,
        };
        store
            .search_library(&Viewer::Member(scope), &filter)
            .await
            .unwrap()
            .0
    }

    /// The judged set on SQLite, or on PostgreSQL with
    /// `RETRACE_TEST_BACKEND=postgres` (and `RETRACE_TEST_POSTGRES_URL`).
    #[tokio::test]
    async fn search_quality_on_the_judged_set() {
        if std::env::var("RETRACE_TEST_BACKEND").as_deref() == Ok("postgres") {
            let store = retrace_store_postgres::test_support::open_fresh_for_tests_from_env()
                .await
                .unwrap()
                .expect("RETRACE_TEST_BACKEND=postgres needs RETRACE_TEST_POSTGRES_URL");
            judge(&store).await;
            retrace_store_postgres::test_support::remove_for_tests(store).await;
        } else {
            let store = retrace_store_sqlite::open("sqlite::memory:").await.unwrap();
            store.migrate().await.unwrap();
            judge(&store).await;
        }
    }

    /// The judged set: for each query, the document that must come first
    /// (by topic and language), as a reader of that language would search.
    async fn judge<S: retrace_store::Store>(store: &S) {
        let org = store
            .create_organisation(
                &AuditContext::system(Timestamp::from_millis(0), "test"),
                &retrace_store::NewOrganisation {
                    name: retrace_domain::OrgName::parse("Judge").unwrap(),
                    kind: retrace_domain::OrgKind::Ngo,
                    country: CountryCode::parse("BE").unwrap(),
                },
            )
            .await
            .unwrap();
        let scope = OrgScope::new(org.id);
        let audit = AuditContext::system(Timestamp::from_millis(0), "test");
        for document in documents().unwrap() {
            store
                .upload_document(&audit, &scope, &document)
                .await
                .unwrap();
        }
        let judged: [(&str, TextLanguage, &str); 12] = [
            (
                "victim identification",
                TextLanguage::En,
                "Identifying victims of trafficking",
            ),
            (
                "identification des victimes",
                TextLanguage::Fr,
                "Identification des victimes de la traite",
            ),
            (
                "réunification familiale",
                TextLanguage::Fr,
                "Réunification familiale",
            ),
            (
                "reunification familiale",
                TextLanguage::Fr,
                "Réunification familiale",
            ),
            ("لمّ شَمْل الأُسْرَة", TextLanguage::En, "لمّ شمل الأسرة"),
            ("لم شمل الاسرة", TextLanguage::En, "لمّ شمل الأسرة"),
            (
                "الأطفال غير المصحوبين",
                TextLanguage::En,
                "حماية الأطفال غير المصحوبين",
            ),
            (
                "menores no acompañados",
                TextLanguage::Es,
                "Protección de menores no acompañados",
            ),
            (
                "albergue seguro",
                TextLanguage::Es,
                "Derivación a un albergue seguro",
            ),
            (
                "forced labour inspectors",
                TextLanguage::En,
                "Labour exploitation",
            ),
            ("беженцы", TextLanguage::En, "Защита беженцев"),
            (
                "retour volontaire",
                TextLanguage::Fr,
                "Retour volontaire assisté",
            ),
        ];
        for (query, reader, expected) in judged {
            let hits = search(store, scope, query, reader).await;
            let first = hits
                .first()
                .map(|h| h.document.meta.title.as_str().to_owned())
                .unwrap_or_default();
            assert!(first.starts_with(expected), "{query}: got {first:?}");
        }
        // Words found only in the body of a PDF, DOCX or ODT file (not in
        // its title or summary): the extracted text is indexed.
        for (query, reader, format, expected) in [
            (
                "confiscated debts",
                TextLanguage::En,
                DocumentFormat::Pdf,
                "Identifying victims",
            ),
            (
                "documentos confiscados",
                TextLanguage::Es,
                DocumentFormat::Pdf,
                "Identificación de víctimas",
            ),
            (
                "dettes employeur",
                TextLanguage::Fr,
                DocumentFormat::Docx,
                "Identification des victimes",
            ),
            (
                "وثائق مصادرة",
                TextLanguage::En,
                DocumentFormat::Odt,
                "تحديد ضحايا",
            ),
        ] {
            let hits = search(store, scope, query, reader).await;
            let found = hits.iter().find(|h| h.document.format == format);
            let found = found.map(|h| h.document.meta.title.as_str().to_owned());
            assert!(
                found.as_deref().is_some_and(|t| t.starts_with(expected)),
                "{query}: {found:?}"
            );
        }
    }
}
