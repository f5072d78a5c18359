//! Demo smart practices (issue 14, item 2): 42 practices written for this
//! project, fourteen in each demo network, in English, French, Spanish and
//! Arabic, at every state: published after two approvals, in peer review
//! with none, one approval, an approval and a request for changes, or a
//! request for changes, held for moderation (sent by the public) and
//! declined. Written in one bulk transaction.

use retrace_domain::library::TextLanguage;
use retrace_domain::{
    Cost, CountryCode, GcmObjective, MemberRole, NewPractice, OrgId, PracticeStatus, PracticeText,
    RouteStage, SupportType, Text, Timestamp, UserId, Verdict,
};
use retrace_store::{AuditContext, OrgScope, SeedPractice, Store};

const DAY: i64 = 86_400_000;

/// One demo practice: language, title, implementers, target group, impact,
/// lessons, stage, support, country, objective, cost in euros (0: not
/// known).
pub(crate) struct Demo {
    pub(crate) language: TextLanguage,
    pub(crate) title: &'static str,
    pub(crate) implementers: &'static str,
    pub(crate) target_group: &'static str,
    pub(crate) impact: &'static str,
    pub(crate) lessons: &'static str,
    pub(crate) stage: RouteStage,
    pub(crate) support: SupportType,
    pub(crate) country: &'static str,
    pub(crate) objective: u8,
    pub(crate) cost: u32,
    pub(crate) funders: &'static str,
    pub(crate) challenges: &'static str,
    pub(crate) recommendations: &'static str,
}

#[allow(
    clippy::too_many_arguments,
    reason = "one row of the table below, read as such"
)]
const fn demo(
    language: TextLanguage,
    title: &'static str,
    implementers: &'static str,
    target_group: &'static str,
    impact: &'static str,
    lessons: &'static str,
    stage: RouteStage,
    support: SupportType,
    country: &'static str,
    objective: u8,
    cost: u32,
) -> Demo {
    Demo {
        language,
        title,
        implementers,
        target_group,
        impact,
        lessons,
        stage,
        support,
        country,
        objective,
        cost,
        funders: "",
        challenges: "",
        recommendations: "",
    }
}

impl Demo {
    /// The fields the first practices leave empty: funders, challenges and
    /// recommendations.
    const fn with(
        self,
        funders: &'static str,
        challenges: &'static str,
        recommendations: &'static str,
    ) -> Demo {
        Demo {
            funders,
            challenges,
            recommendations,
            ..self
        }
    }
}

use RouteStage::{Destination, Origin, Return, Transit};
use SupportType::{
    Cash, FamilyLinks, Health, Information, Legal, Livelihoods, Protection, Psychosocial,
    Reintegration, Shelter,
};
use TextLanguage::{Ar, En, Es, Fr};

/// Practices per demo network: eight in `PRACTICES[..24]` and six in
/// `PRACTICES[24..]`, each block in the order of the demo networks.
const FIRST_BLOCK: usize = 8;
const SECOND_BLOCK: usize = 6;

pub(crate) const PRACTICES: [Demo; 42] = [
    demo(
        En,
        "Phone charging and free calls at disembarkation points",
        "National Society volunteers at the port",
        "People arriving by sea",
        "About 6,000 calls a year restored contact with families within the first day.",
        "Solar chargers are cheaper to keep running than generators.",
        Destination,
        FamilyLinks,
        "IT",
        8,
        3,
    ),
    demo(
        Fr,
        "Permanences d'information dans les gares de transit",
        "Équipes mobiles de volontaires",
        "Personnes en transit vers le nord de l'Europe",
        "1 800 personnes orientées vers les services de rétablissement des liens familiaux en six mois.",
        "Les affiches en tigrigna et en pachto ont doublé les demandes.",
        Transit,
        Information,
        "FR",
        3,
        5,
    ),
    demo(
        En,
        "Psychosocial first aid for families of the missing",
        "Trained volunteers with a psychologist's supervision",
        "Families waiting for news of relatives lost at sea",
        "Support groups met every fortnight in three cities; 240 family members took part.",
        "Families asked for groups in their own language first.",
        Destination,
        Psychosocial,
        "GR",
        8,
        40,
    ),
    demo(
        Es,
        "Orientación jurídica en albergues de tránsito",
        "Abogados voluntarios y la Sociedad Nacional",
        "Personas solicitantes de asilo en tránsito",
        "520 personas recibieron orientación sobre sus derechos y plazos.",
        "Una hoja de una página por país de destino fue lo más útil.",
        Transit,
        Legal,
        "AL",
        7,
        25,
    ),
    demo(
        En,
        "Safe shelter referrals for unaccompanied children",
        "Child protection caseworkers with the local authorities",
        "Unaccompanied and separated children",
        "310 children placed in safe shelter within 48 hours of identification.",
        "A single referral form agreed by all partners saved days.",
        Transit,
        Protection,
        "GR",
        13,
        0,
    ),
    demo(
        Ar,
        "خط هاتفي مجاني للبحث عن المفقودين",
        "متطوعو الجمعية الوطنية بالتعاون مع اللجنة الدولية",
        "أسر المهاجرين المفقودين على طريق البحر المتوسط",
        "تلقّى الخط أكثر من ٣٠٠٠ مكالمة خلال عام وأُعيد الاتصال بـ٤٠٠ أسرة.",
        "ساعدت الرسائل الصوتية الأسر التي لا تقرأ.",
        Origin,
        FamilyLinks,
        "TN",
        8,
        2,
    ),
    demo(
        Fr,
        "Aide en espèces pour les personnes bloquées à la frontière",
        "Société nationale et partenaires humanitaires",
        "Familles bloquées à la frontière",
        "900 familles ont reçu une aide en espèces pour la nourriture et le logement.",
        "Les transferts par téléphone évitent les longues files d'attente.",
        Transit,
        Cash,
        "LY",
        4,
        60,
    ),
    demo(
        En,
        "Health checks at reception centres",
        "Mobile health teams",
        "New arrivals at reception centres",
        "4,200 consultations; chronic conditions followed up with local clinics.",
        "Interpreters are as important as medicines.",
        Destination,
        Health,
        "BE",
        15,
        18,
    ),
    demo(
        Ar,
        "دعم نفسي واجتماعي للاجئين في لبنان",
        "فرق الدعم النفسي في الجمعية الوطنية",
        "اللاجئون السوريون في المخيمات غير الرسمية",
        "شارك ٨٠٠ شخص في جلسات دعم جماعية خلال سنة.",
        "الجلسات القصيرة المتكررة أنجح من الجلسات الطويلة.",
        Destination,
        Psychosocial,
        "LB",
        15,
        30,
    ),
    demo(
        En,
        "Tracing requests collected in transit camps",
        "Restoring Family Links officers and volunteers",
        "Families separated while fleeing",
        "650 tracing requests opened; 120 families reconnected within a year.",
        "Collecting photos with consent made matching faster.",
        Transit,
        FamilyLinks,
        "TR",
        8,
        10,
    ),
    demo(
        Fr,
        "Préparation au retour volontaire",
        "Société nationale et organisations partenaires",
        "Personnes rentrant volontairement dans leur pays",
        "300 personnes ont reçu une information sur les services dans leur région d'origine.",
        "Un contact avant le départ rassure les familles.",
        Return,
        Information,
        "AF",
        21,
        35,
    ),
    demo(
        En,
        "Livelihood grants for returnees",
        "National Society livelihood team",
        "Returnees and their host communities",
        "150 small businesses started; 70% still running after a year.",
        "Mentoring mattered more than the size of the grant.",
        Return,
        Livelihoods,
        "IQ",
        21,
        420,
    ),
    demo(
        Ar,
        "مساعدة قانونية لتسجيل الولادات",
        "محامون متطوعون ومنظمات شريكة",
        "الأطفال المولودون أثناء النزوح",
        "سُجّلت ولادة ٥٠٠ طفل خلال سنتين.",
        "التنسيق مع الدوائر الحكومية يختصر الإجراءات.",
        Destination,
        Legal,
        "LB",
        4,
        55,
    ),
    demo(
        En,
        "Winter shelter kits along the route",
        "Emergency response volunteers",
        "People sleeping rough at border crossings",
        "2,000 kits distributed over two winters.",
        "Kits packed by size avoided waste.",
        Transit,
        Shelter,
        "TR",
        2,
        28,
    ),
    demo(
        Es,
        "Mensajes de Cruz Roja entre familias separadas",
        "Voluntariado de Restablecimiento del Contacto",
        "Familias separadas por el conflicto",
        "1 100 mensajes entregados en un año.",
        "Los mensajes cortos llegan antes y se entienden mejor.",
        Origin,
        FamilyLinks,
        "SY",
        8,
        0,
    ),
    demo(
        En,
        "Community protection committees in camps",
        "Camp residents with the National Society",
        "Women and children in camps",
        "Committees in 12 camps referred 230 protection cases.",
        "Residents trust committees they chose themselves.",
        Destination,
        Protection,
        "IQ",
        7,
        0,
    ),
    demo(
        Fr,
        "Accompagnement des personnes expulsées à leur arrivée",
        "Volontaires de la Société nationale au point d'arrivée",
        "Personnes renvoyées vers leur pays",
        "2 400 personnes accueillies avec un repas, un appel et une orientation.",
        "Être présent à l'aéroport change le premier jour.",
        Return,
        Reintegration,
        "SN",
        21,
        15,
    ),
    demo(
        Es,
        "Rutas seguras: información en las comunidades de origen",
        "Sociedad Nacional y radios comunitarias",
        "Jóvenes que piensan en migrar",
        "Programas de radio escuchados en 40 comunidades.",
        "Los testimonios de personas retornadas convencen más que los folletos.",
        Origin,
        Information,
        "ML",
        3,
        4,
    ),
    demo(
        En,
        "Search for missing migrants in the Sahel",
        "Restoring Family Links network across five countries",
        "Families of migrants missing in the desert",
        "Joint tracing between five National Societies located 90 people.",
        "A shared list of places of detention helped the search.",
        Transit,
        FamilyLinks,
        "NE",
        8,
        0,
    ),
    demo(
        Fr,
        "Soins de santé mobiles sur la route du désert",
        "Cliniques mobiles de la Société nationale",
        "Personnes en transit dans le désert",
        "3 000 consultations et 200 évacuations sanitaires.",
        "Des points d'eau fixes ont réduit les urgences.",
        Transit,
        Health,
        "NE",
        8,
        22,
    ),
    demo(
        Es,
        "Apoyo a la reintegración de personas retornadas",
        "Sociedad Nacional con autoridades locales",
        "Personas retornadas y sus familias",
        "400 familias con apoyo económico y psicosocial.",
        "Las visitas a domicilio detectan necesidades ocultas.",
        Return,
        Reintegration,
        "SN",
        21,
        300,
    ),
    demo(
        Ar,
        "معلومات عن الحماية على طريق الأطلسي",
        "متطوعو الجمعية الوطنية في المدن الساحلية",
        "المهاجرون قبل عبور البحر",
        "وصلت رسائل التوعية إلى ٥٠٠٠ شخص.",
        "الرسائل عبر تطبيقات الهاتف أسرع وصولًا.",
        Transit,
        Information,
        "MA",
        3,
        1,
    ),
    demo(
        En,
        "Family reunification case support",
        "Caseworkers and legal volunteers",
        "Refugees entitled to family reunification",
        "180 families reunited after support with documents and fees.",
        "Paying visa fees directly avoided delays.",
        Destination,
        Legal,
        "ES",
        5,
        250,
    ),
    demo(
        Es,
        "Alojamiento temporal para familias en tránsito",
        "Red de albergues de la Sociedad Nacional",
        "Familias con niños en tránsito",
        "1 300 noches de alojamiento seguro.",
        "Plazas reservadas para familias evitan separaciones.",
        Transit,
        Shelter,
        "ES",
        7,
        20,
    ),
    // European network, second block.
    demo(
        En,
        "Safe-space evenings for unaccompanied teenagers in reception centres",
        "National Society youth volunteers and reception centre staff",
        "Unaccompanied children aged 14 to 17",
        "310 teenagers took part in weekly evenings; 46 asked for a tracing request there.",
        "Teenagers spoke about missing relatives only after several evenings with the same volunteers.",
        Destination,
        Psychosocial,
        "IT",
        7,
        25,
    )
    .with(
        "A private foundation and the National Society's own funds",
        "Volunteers changed often in summer; some centres had no quiet room.",
        "Keep the same pair of volunteers for each centre for at least three months.",
    ),
    demo(
        Fr,
        "Médiation familiale à distance pour les familles séparées en Europe",
        "Sociétés nationales de deux pays et des médiateurs bénévoles",
        "Familles dont les membres vivent dans deux pays européens",
        "85 familles ont repris contact par vidéo; 19 regroupements familiaux ont été demandés.",
        "Un premier appel avec chaque partie séparément évite les conflits pendant l'appel commun.",
        Destination,
        FamilyLinks,
        "BE",
        21,
        60,
    )
    .with(
        "Fonds européen pour l'asile",
        "Les connexions internet des centres d'accueil étaient instables.",
        "Prévoir une salle équipée et un interprète réservé à l'avance.",
    ),
    demo(
        En,
        "Identification of missing migrants through personal belongings",
        "Forensic volunteers, the coast guard and the National Society",
        "Families of people who died or went missing at sea",
        "Photographs of 1,200 belongings were shown to families; 37 identifications were confirmed.",
        "Families recognise clothes and phones sooner than descriptions of the body.",
        Transit,
        FamilyLinks,
        "GR",
        8,
        0,
    )
    .with(
        "",
        "Belongings were stored in several places without a common register.",
        "Register each item with a photograph and the place it was found on the day it is found.",
    ),
    demo(
        Ar,
        "خط هاتفي مجاني للعائلات الباحثة عن أقاربها في ليبيا",
        "متطوعو الجمعية الوطنية في ثلاث مدن",
        "عائلات المهاجرين المحتجزين أو المفقودين",
        "تلقى الخط 4,300 مكالمة في سنة، وأعيد الاتصال بين 610 عائلة وأقاربها.",
        "ساعات العمل المسائية كانت الأنسب للعائلات العاملة.",
        Transit,
        FamilyLinks,
        "LY",
        8,
        4,
    )
    .with(
        "اللجنة الدولية للصليب الأحمر",
        "انقطاع الكهرباء أوقف الخط أياماً عدة.",
        "تجهيز مولد احتياطي وتدريب متطوعين إضافيين على الاستماع.",
    ),
    demo(
        Fr,
        "Accueil des personnes renvoyées au port avec un kit et un appel",
        "Volontaires du Croissant-Rouge au port",
        "Personnes interceptées en mer et débarquées",
        "2 100 personnes ont reçu un kit d'hygiène et un appel gratuit à leur famille.",
        "Annoncer l'appel gratuit avant la distribution évite les bousculades.",
        Return,
        Information,
        "TN",
        8,
        9,
    )
    .with(
        "Fonds propres de la Société nationale et un donateur privé",
        "Les débarquements arrivent la nuit sans préavis.",
        "Tenir une équipe de garde joignable par téléphone toute la nuit.",
    ),
    demo(
        En,
        "Winter clothing and information points on the Balkan route",
        "National Society branches along the border",
        "People crossing mountain borders in winter",
        "9,500 people received winter clothing and a leaflet on family-links services in their language.",
        "Leaflets with a QR code were kept; printed lists of addresses were thrown away.",
        Transit,
        Protection,
        "AL",
        8,
        14,
    ),
    // Asia Pacific and Middle East network, second block.
    demo(
        Ar,
        "جلسات دعم نفسي لأمهات المفقودين في المخيمات",
        "أخصائيون نفسيون ومتطوعات من الجمعية الوطنية",
        "أمهات وزوجات الأشخاص المفقودين",
        "شاركت 180 امرأة في جلسات أسبوعية لمدة ستة أشهر.",
        "الجلسات في مكان قريب من الخيام زادت المشاركة.",
        Destination,
        Psychosocial,
        "LB",
        8,
        35,
    )
    .with(
        "صندوق إنساني مشترك",
        "صعوبة الوصول إلى المخيمات في الشتاء.",
        "إشراك نساء من المخيم في تيسير الجلسات.",
    ),
    demo(
        En,
        "Mobile tracing desks at border crossings on the return route",
        "National Society staff and volunteers at four crossings",
        "Families returning after years of displacement",
        "1,450 tracing requests opened at the crossings; 212 people located within a year.",
        "A photograph-based search helped where names had been written differently in each country.",
        Return,
        FamilyLinks,
        "AF",
        21,
        18,
    )
    .with(
        "The ICRC and a government donor",
        "Crossings closed without notice for weeks.",
        "Agree with border authorities on a fixed desk and a contact person.",
    ),
    demo(
        Ar,
        "مساعدة قانونية لاستخراج الوثائق المدنية المفقودة",
        "محامون متطوعون ومنظمة غير حكومية محلية",
        "عائدون فقدوا وثائق الهوية والزواج والولادة",
        "استخرج 760 شخصاً وثائقهم خلال سنة واحدة.",
        "التنسيق مع دوائر النفوس قلّل زمن الانتظار إلى النصف.",
        Return,
        Legal,
        "IQ",
        4,
        45,
    ),
    demo(
        En,
        "Cash for transport to family reunification interviews",
        "National Society cash team",
        "Families invited to embassy interviews for reunification",
        "390 families attended their interviews; none missed it for lack of money.",
        "Paying through mobile money was faster than vouchers.",
        Transit,
        Cash,
        "TR",
        21,
        70,
    )
    .with(
        "A European National Society in partnership",
        "Some families had no phone in their own name.",
        "Allow payment to a trusted relative's phone with the family's written agreement.",
    ),
    demo(
        Es,
        "Mensajes de Cruz Roja entre familias separadas por el conflicto",
        "Voluntarios de la Sociedad Nacional y delegados del CICR",
        "Familias sin teléfono ni internet en zonas de conflicto",
        "Se entregaron 5.200 mensajes escritos en un año.",
        "Los mensajes breves con una foto llegaron antes que las cartas largas.",
        Destination,
        FamilyLinks,
        "SY",
        8,
        6,
    ),
    demo(
        Fr,
        "Formation des enseignants au repérage des enfants séparés",
        "Ministère de l'éducation et la Société nationale",
        "Enseignants d'écoles accueillant des enfants déplacés",
        "640 enseignants formés; 95 enfants séparés signalés aux services de protection.",
        "Un guide d'une page par école a mieux marché qu'un long manuel.",
        Destination,
        Protection,
        "LB",
        7,
        12,
    ),
    // Americas and Africa group, second block.
    demo(
        Fr,
        "Points de rétablissement des liens familiaux dans les gares routières",
        "Volontaires de la Croix-Rouge dans cinq gares",
        "Voyageurs vers le nord et familles qui les attendent",
        "3 800 appels gratuits et 270 demandes de recherche en un an.",
        "Les chauffeurs de bus sont devenus les meilleurs relais d'information.",
        Transit,
        FamilyLinks,
        "ML",
        8,
        3,
    )
    .with(
        "Fonds propres et une agence de coopération",
        "L'insécurité a fermé deux gares pendant plusieurs mois.",
        "Prévoir des équipes mobiles quand un point fixe doit fermer.",
    ),
    demo(
        Es,
        "Acogida de niños no acompañados en la llegada por mar",
        "Sociedad Nacional, servicios de protección de menores y ONG locales",
        "Niños y niñas que llegan solos en embarcaciones",
        "1.100 niños atendidos; 320 pudieron llamar a su familia en las primeras 48 horas.",
        "Preguntar primero por el número de teléfono de un familiar ahorró días de búsqueda.",
        Destination,
        Protection,
        "ES",
        7,
        55,
    )
    .with(
        "Gobierno regional",
        "Llegadas masivas en pocos días saturaron los centros.",
        "Tener un equipo de refuerzo formado y listo para activarse en 24 horas.",
    ),
    demo(
        Fr,
        "Réintégration économique des migrants de retour par de petites activités",
        "Société nationale, chambres de métiers et une institution de microfinance",
        "Migrants de retour après un échec du voyage",
        "210 personnes ont lancé une activité; 160 la tenaient encore un an après.",
        "Un accompagnement de six mois comptait plus que le montant de la subvention.",
        Return,
        Reintegration,
        "SN",
        21,
        450,
    )
    .with(
        "Organisation internationale et fonds de développement",
        "Certaines personnes ont dû rembourser des dettes du voyage avant tout.",
        "Évaluer les dettes dès le premier entretien et orienter vers un conseil juridique.",
    ),
    demo(
        Ar,
        "عيادة متنقلة للمهاجرين في المدن الحدودية",
        "أطباء ومتطوعون من الجمعية الوطنية",
        "مهاجرون بلا تأمين صحي",
        "قدمت العيادة 6,900 استشارة طبية في سنة.",
        "زيارة الأحياء في أيام ثابتة من الأسبوع بنت الثقة.",
        Transit,
        Health,
        "MA",
        15,
        22,
    ),
    demo(
        Es,
        "Información sobre rutas peligrosas por radio comunitaria",
        "Radios comunitarias y la Sociedad Nacional",
        "Jóvenes que piensan en migrar",
        "Programas semanales en tres idiomas locales durante un año.",
        "Los testimonios de personas retornadas convencieron más que los datos.",
        Origin,
        Information,
        "NE",
        3,
        2,
    ),
    demo(
        En,
        "Livelihood training for families of missing migrants",
        "National Society and a vocational training centre",
        "Households that lost their main earner on the migration route",
        "150 family members completed a trade course; 110 earn an income from it.",
        "Childcare during the courses let mothers take part.",
        Origin,
        Livelihoods,
        "SN",
        2,
        300,
    )
    .with(
        "A development bank's small-grants fund",
        "Some families moved away during the course.",
        "Offer shorter courses of four to six weeks.",
    ),
];

/// The state of the `i`th practice of a network and the reviews it has,
/// as indices into the reviewers: every state appears in each network.
fn state(i: usize) -> (PracticeStatus, &'static [Verdict]) {
    match i {
        0..=2 => (
            PracticeStatus::Published,
            &[Verdict::Approve, Verdict::Approve],
        ),
        3 => (
            PracticeStatus::InReview,
            &[Verdict::Approve, Verdict::Approve],
        ),
        4 => (PracticeStatus::InReview, &[Verdict::Approve]),
        5 => (PracticeStatus::InReview, &[Verdict::Revise]),
        6 => (PracticeStatus::InReview, &[]),
        7 => (PracticeStatus::Held, &[]),
        8..=10 => (
            PracticeStatus::Published,
            &[Verdict::Approve, Verdict::Approve],
        ),
        11 => (
            PracticeStatus::InReview,
            &[Verdict::Approve, Verdict::Revise],
        ),
        12 => (PracticeStatus::Held, &[]),
        _ => (PracticeStatus::Declined, &[]),
    }
}

const COMMENTS: [&str; 2] = [
    "Clear description; the costs and the lessons make it easy to repeat elsewhere.",
    "Please add how the volunteers were trained and what the practice cost in its first year.",
];

/// Loads the practices into the demo networks. `reviewers` holds one
/// member of each demo organisation who may review.
pub async fn load(
    store: &dyn Store,
    reviewers: &[(OrgId, UserId)],
    now: Timestamp,
) -> anyhow::Result<usize> {
    let audit = AuditContext::system(now, "demo data");
    let mut seeds = Vec::new();
    let mut networks = store.all_networks().await?;
    networks.sort_by_key(|n| n.created_at);
    for (n, network) in networks.iter().take(3).enumerate() {
        let mut members: Vec<(OrgId, MemberRole)> = Vec::new();
        for (org, _) in reviewers {
            if let Some(view) = store.network(&OrgScope::new(*org), network.id).await? {
                members = view.members.iter().map(|m| (m.org, m.role)).collect();
                break;
            }
        }
        let with_reviewer: Vec<(OrgId, UserId)> = members
            .iter()
            .filter_map(|(org, _)| reviewers.iter().find(|(o, _)| o == org).copied())
            .collect();
        if with_reviewer.len() < 3 {
            continue;
        }
        let first = PRACTICES.iter().skip(n * FIRST_BLOCK).take(FIRST_BLOCK);
        let second = PRACTICES
            .iter()
            .skip(3 * FIRST_BLOCK + n * SECOND_BLOCK)
            .take(SECOND_BLOCK);
        for (i, d) in first.chain(second).enumerate() {
            let (status, verdicts) = state(i);
            let owner = with_reviewer[i % with_reviewer.len()].0;
            let reviews = verdicts
                .iter()
                .enumerate()
                .map(|(r, verdict)| {
                    let (org, user) = with_reviewer[(i + r + 1) % with_reviewer.len()];
                    let comment = if *verdict == Verdict::Approve {
                        COMMENTS[0]
                    } else {
                        COMMENTS[1]
                    };
                    Ok((
                        user,
                        org,
                        *verdict,
                        Text::parse("comment", comment, 4000, true)?,
                    ))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let practice = NewPractice::new(
                d.language,
                &PracticeText {
                    title: d.title,
                    implementers: d.implementers,
                    funders: d.funders,
                    target_group: d.target_group,
                    impact: d.impact,
                    challenges: d.challenges,
                    lessons: d.lessons,
                    recommendations: d.recommendations,
                },
                vec![d.stage],
                vec![d.support],
                vec![CountryCode::parse(d.country)?],
                if d.cost == 0 {
                    None
                } else {
                    Cost::parse(&d.cost.to_string(), "EUR")?
                },
                vec![GcmObjective::new(d.objective)?],
            )?;
            seeds.push(SeedPractice {
                network: network.id,
                org: matches!(status, PracticeStatus::InReview | PracticeStatus::Published)
                    .then_some(owner),
                status,
                practice,
                at: Timestamp::from_millis(now.as_millis() - ((i * 11 + n) as i64 + 2) * DAY),
                reviews,
            });
        }
    }
    store.seed_practices(&audit, &seeds).await?;
    Ok(seeds.len())
}
