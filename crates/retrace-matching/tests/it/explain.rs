use retrace_matching::{Config, Index, Person};

fn p(
    name: &str,
    sex: &str,
    date: &str,
    father: &str,
    mother: &str,
    place: &str,
    nat: &str,
) -> Person {
    Person {
        full_name: name.into(),
        sex: sex.into(),
        birth_date: date.into(),
        father_name: father.into(),
        mother_name: mother.into(),
        birth_place: place.into(),
        nationality: nat.into(),
        ..Person::default()
    }
}

/// Explanation of a curated hard pair, as a caseworker would read it.
fn check(a: &Person, b: &Person) -> String {
    let index = Index::new(Config::default());
    format!("{}\n{}\n{}", a.full_name, b.full_name, index.explain(a, b))
}

#[test]
fn arabic_script_and_latin() {
    let a = p(
        "محمد عبد الرحمن الحسن",
        "M",
        "1988-03-14",
        "عبد الرحمن",
        "فاطمة",
        "حلب",
        "SY",
    );
    let b = p(
        "Mohamed Abdelrahman Al-Hassan",
        "M",
        "1988-03-14",
        "Abdul Rahman",
        "Fatima",
        "Aleppo",
        "SY",
    );
    insta::assert_snapshot!(check(&a, &b));
}

#[test]
fn ukrainian_and_russian_forms() {
    let a = p(
        "Олександр Шевченко",
        "M",
        "1979-11-02",
        "Микола",
        "Олена",
        "Харків",
        "UA",
    );
    let b = p(
        "Aleksandr Shevchenko",
        "M",
        "1979-11-02",
        "Nikolai",
        "Elena",
        "Kharkov",
        "UA",
    );
    insta::assert_snapshot!(check(&a, &b));
}

#[test]
fn geez_and_latin() {
    let a = p("ተስፋይ ሃብቶም", "M", "1995", "", "", "Asmara", "ER");
    let b = p(
        "Tesfaye Habtom Kidane",
        "M",
        "1995-06-20",
        "Habtom",
        "",
        "Asmera",
        "ET",
    );
    insta::assert_snapshot!(check(&a, &b));
}

#[test]
fn family_name_first() {
    let a = p(
        "CAMARA Hawa",
        "F",
        "1983-03-10",
        "Mamadou",
        "",
        "Conakry",
        "GN",
    );
    let b = p(
        "Hawa Camara",
        "F",
        "1983",
        "Mamadou",
        "Binta",
        "Konakry",
        "GN",
    );
    insta::assert_snapshot!(check(&a, &b));
}

#[test]
fn default_dates() {
    let a = p(
        "Ahmad Khalid Al-Omar",
        "M",
        "1990-01-01",
        "Khalid",
        "",
        "Homs",
        "SY",
    );
    let b = p(
        "Ahmed Khaled Omar",
        "M",
        "1990-08-17",
        "Khaled",
        "",
        "Hims",
        "SY",
    );
    insta::assert_snapshot!(check(&a, &b));
}

#[test]
fn common_name_different_fathers() {
    let a = p(
        "Mohammed Ahmad",
        "M",
        "1985",
        "Ahmad Ali",
        "Fatima",
        "",
        "SY",
    );
    let b = p("Muhammad Ahmed", "M", "1986", "Hussein", "Zainab", "", "IQ");
    insta::assert_snapshot!(check(&a, &b));
}
