//! Facts read off the source, pinned on the shipped graph: if curation drifts from the page,
//! these fail. Each line cites the section of Cancer.Net's page the fact comes from.

use std::sync::LazyLock;

use mbckg::graph::{KnowledgeGraph, StatementRef};
use mbckg::load;
use mbckg::model::Relation;

static GRAPH: LazyLock<KnowledgeGraph> =
    LazyLock::new(|| KnowledgeGraph::new(load::load_embedded().expect("the shipped graph loads")));

/// The statements `subject —relation→ object` (by id), written directly on the subject.
fn statements(subject: &str, relation: &str, object: &str) -> Vec<StatementRef<'static>> {
    let g = &*GRAPH;
    let rel = Relation::parse(relation).expect("a relation name");
    let s = g
        .by_id(subject)
        .unwrap_or_else(|| panic!("no node {subject}"));
    g.out_rel(s, rel)
        .filter(|(_, o)| g.node(*o).id == object)
        .map(|(e, _)| g.statement(e))
        .collect()
}

fn has(subject: &str, relation: &str, object: &str) -> bool {
    !statements(subject, relation, object).is_empty()
}

/// The id a name or alias resolves to.
fn resolves(label: &str) -> String {
    let g = &*GRAPH;
    let found = g.lookup(label);
    assert_eq!(found.len(), 1, "`{label}` should name one node");
    g.node(found[0]).id.to_string()
}

#[test]
fn her2_drugs_and_their_heart_monitoring() {
    // "Targeted therapy for metastatic HER2-positive breast cancer"
    assert!(has("trastuzumab", "requires_monitoring", "echocardiogram"));
    assert!(has("margetuximab", "requires_monitoring", "echocardiogram"));
    assert!(has("margetuximab", "requires_monitoring", "muga-scan"));
    assert!(has(
        "ado-trastuzumab-emtansine",
        "requires_monitoring",
        "cardiac-function-monitoring"
    ));
    assert!(has(
        "ado-trastuzumab-emtansine",
        "requires_monitoring",
        "liver-function-monitoring"
    ));
    assert!(!has("pertuzumab", "requires_monitoring", "echocardiogram"));
    let heart = statements("trastuzumab", "causes", "heart-problems");
    assert!(
        heart
            .iter()
            .any(|s| s.qualifiers.risk.as_deref() == Some("2-5%")),
        "trastuzumab's 2% to 5% heart risk"
    );
}

#[test]
fn biomarker_gated_drugs() {
    assert!(has("elacestrant", "requires_biomarker", "esr1-mutation"));
    assert!(has("alpelisib", "requires_biomarker", "pik3ca-mutation"));
    for b in ["pik3ca-mutation", "akt1-alteration", "pten-alteration"] {
        assert!(
            has("capivasertib", "requires_biomarker", b),
            "capivasertib needs {b}"
        );
    }
    for d in ["olaparib", "talazoparib"] {
        assert!(has(d, "requires_biomarker", "brca1-mutation"), "{d}");
        assert!(has(d, "requires_biomarker", "brca2-mutation"), "{d}");
    }
    for d in ["larotrectinib", "entrectinib"] {
        assert!(has(d, "requires_biomarker", "ntrk-fusion"), "{d}");
    }
    assert!(has("dostarlimab", "requires_biomarker", "dmmr"));
    assert!(has("pembrolizumab", "requires_biomarker", "pd-l1-positive"));
    assert!(!has("tamoxifen", "requires_biomarker", "esr1-mutation"));
}

#[test]
fn routes_and_schedules() {
    assert!(has("fulvestrant", "given_by", "intramuscular"));
    assert!(has("elacestrant", "given_by", "oral"));
    assert!(has("tucatinib", "given_by", "oral"));
    assert!(has("margetuximab", "given_by", "intravenous"));
    assert!(has(
        "pertuzumab-trastuzumab-hyaluronidase",
        "given_by",
        "subcutaneous"
    ));
}

#[test]
fn brand_names_and_abbreviations_resolve() {
    assert_eq!(resolves("Herceptin"), "trastuzumab");
    assert_eq!(resolves("herceptin"), "trastuzumab");
    assert_eq!(resolves("T-DM1"), "ado-trastuzumab-emtansine");
    assert_eq!(resolves("Kadcyla"), "ado-trastuzumab-emtansine");
    assert_eq!(resolves("Enhertu"), "trastuzumab-deruxtecan");
    assert_eq!(resolves("5-FU"), "fluorouracil");
    assert_eq!(resolves("Phesgo"), "pertuzumab-trastuzumab-hyaluronidase");
    assert_eq!(resolves("Faslodex"), "fulvestrant");
    assert_eq!(resolves("Orserdu"), "elacestrant");
    assert_eq!(resolves("Truqap"), "capivasertib");
    assert_eq!(resolves("Lynparza"), "olaparib");
}

#[test]
fn side_effects_as_the_page_words_them() {
    assert!(has(
        "trastuzumab-deruxtecan",
        "causes",
        "interstitial-lung-disease"
    ));
    let pneumonitis = statements("everolimus", "causes", "pneumonitis");
    assert!(pneumonitis
        .iter()
        .any(|s| s.qualifiers.frequency.map(|v| v.as_str()) == Some("rare")));
    let hot = statements("tamoxifen", "causes", "hot-flashes");
    assert!(hot
        .iter()
        .any(|s| s.qualifiers.frequency.map(|v| v.as_str()) == Some("common")));
    let uterus = statements("tamoxifen", "causes", "endometrial-cancer");
    assert!(uterus
        .iter()
        .any(|s| s.qualifiers.frequency.map(|v| v.as_str()) == Some("very-rare")));
    assert!(has("palbociclib", "causes", "neutropenia"));
    assert!(has("ribociclib", "causes", "heart-rhythm-changes"));
    assert!(has("abemaciclib", "causes", "diarrhea"));
    assert!(has("neratinib", "causes", "diarrhea"));
    assert!(has("lapatinib", "causes", "rash"));
    assert!(!has("palbociclib", "causes", "diarrhea"));
}

#[test]
fn classes_and_targets() {
    for ai in ["anastrozole", "exemestane", "letrozole"] {
        assert!(has(ai, "member_of", "aromatase-inhibitor"), "{ai}");
        assert!(has(ai, "targets", "aromatase"), "{ai}");
    }
    assert!(has("fulvestrant", "member_of", "serd"));
    assert!(has("elacestrant", "member_of", "serd"));
    assert!(has("goserelin", "member_of", "gnrh-analog"));
    assert!(has("palbociclib", "member_of", "cdk4-6-inhibitor"));
    assert!(has("paclitaxel", "member_of", "taxane"));
    assert!(has("tucatinib", "targets", "her2"));
    assert!(!has("olaparib", "targets", "her2"));
}

#[test]
fn lines_and_prerequisites() {
    let second = statements(
        "trastuzumab-deruxtecan",
        "treats",
        "her2-positive-extracranial",
    );
    assert!(
        second
            .iter()
            .any(|s| s.qualifiers.line.map(|v| v.as_str()) == Some("second")),
        "T-DXd is ASCO's second line"
    );
    assert!(has(
        "trastuzumab-deruxtecan",
        "treats",
        "her2-low-breast-cancer"
    ));
    assert!(has("sacituzumab-govitecan", "treats", "triple-negative"));
    let prior = statements("margetuximab", "requires_prior", "her2-targeted-therapy");
    assert!(
        prior.iter().any(|s| s.qualifiers.min_count == Some(2)),
        "after at least 2 HER2-targeted therapies"
    );
    let elacestrant = statements("elacestrant", "requires_prior", "hormonal-therapy");
    assert!(elacestrant
        .iter()
        .any(|s| s.qualifiers.min_count == Some(1)));
}

#[test]
fn every_statement_cites_a_listed_section() {
    let g = &*GRAPH;
    for e in g.statements() {
        let st = g.statement(e);
        let source = g
            .sources()
            .iter()
            .find(|s| s.id == st.provenance.source)
            .expect("source listed");
        assert!(
            source.section(&st.provenance.section).is_some(),
            "{}",
            st.origin
        );
        assert!(!st.provenance.note.trim().is_empty(), "{}", st.origin);
    }
}

/// A statement on `subject` with `relation` to `object` whose qualifiers pass `pred`.
fn has_where(
    subject: &str,
    relation: &str,
    object: &str,
    pred: impl Fn(&StatementRef) -> bool,
) -> bool {
    statements(subject, relation, object).iter().any(pred)
}

fn with_has(s: &StatementRef, partner: &str) -> bool {
    s.qualifiers.with.iter().any(|w| w == partner)
}

#[test]
fn taxanes_are_the_first_line_her2_partners() {
    // "First-line treatment": pertuzumab, trastuzumab and a taxane.
    for d in ["docetaxel", "paclitaxel"] {
        assert!(
            has_where(d, "treats", "her2-positive-extracranial", |s| {
                s.qualifiers.line.map(|v| v.as_str()) == Some("first")
                    && with_has(s, "pertuzumab")
                    && with_has(s, "trastuzumab")
            }),
            "{d} is a first-line taxane with pertuzumab and trastuzumab"
        );
    }
    // The page names only "a taxane"; nab-paclitaxel is not given a first-line place.
    assert!(!has(
        "nab-paclitaxel",
        "treats",
        "her2-positive-extracranial"
    ));
}

#[test]
fn cdk46_and_everolimus_before_menopause_and_in_men() {
    // "Targeted therapy for metastatic hormone receptor-positive, HER2-negative or HER2-low
    // breast cancer": the AI is joined by a GnRH analog or ovarian suppression.
    for d in ["palbociclib", "ribociclib", "abemaciclib", "everolimus"] {
        for p in ["premenopausal", "men"] {
            assert!(
                has_where(d, "used_in", p, |s| s
                    .qualifiers
                    .condition
                    .as_deref()
                    .is_some_and(|c| c.contains("GnRH analog or ovarian suppression"))),
                "{d} used in {p} with the AI's partner"
            );
        }
    }
    // Ribociclib is given no line on the page; the AI + CDK4/6 regimen's first line names the
    // other two.
    assert!(!has_where(
        "ribociclib",
        "treats",
        "hr-positive-her2-negative",
        |s| s.qualifiers.line.map(|v| v.as_str()) == Some("first")
    ));
    let first = statements("ai-cdk4-6-inhibitor", "treats", "hr-positive-her2-negative");
    assert!(first
        .iter()
        .all(|s| s.qualifiers.line.map(|v| v.as_str()) != Some("first")
            || s.qualifiers
                .condition
                .as_deref()
                .is_some_and(|c| c.contains("palbociclib or abemaciclib"))));
}

#[test]
fn prerequisites_as_statements() {
    // Lapatinib with capecitabine: after chemotherapy and trastuzumab.
    for p in ["chemotherapy", "trastuzumab"] {
        assert!(
            has_where("lapatinib", "requires_prior", p, |s| with_has(
                s,
                "capecitabine"
            )),
            "{p}"
        );
    }
    // Lapatinib with trastuzumab: cancer growing on trastuzumab.
    assert!(has_where(
        "lapatinib",
        "requires_prior",
        "trastuzumab",
        |s| with_has(s, "trastuzumab")
    ));
    // Sacituzumab govitecan in TNBC: at least 2 earlier treatments.
    assert!(has_where(
        "sacituzumab-govitecan",
        "requires_prior",
        "systemic-therapy",
        |s| {
            s.qualifiers.min_count == Some(2)
                && s.provenance.section
                    == "Targeted therapy for metastatic triple-negative breast cancer"
        }
    ));
}

#[test]
fn hormonal_options_after_a_cdk46_inhibitor_with_esr1() {
    // "Second-line hormonal therapy": with a targetable ESR1 mutation, another hormonal therapy.
    for d in [
        "anastrozole",
        "letrozole",
        "exemestane",
        "fulvestrant",
        "tamoxifen",
    ] {
        assert!(
            has_where(d, "treats", "hr-positive-her2-negative", |s| s
                .qualifiers
                .condition
                .as_deref()
                .is_some_and(|c| c.starts_with("targetable ESR1 mutation"))),
            "{d} with a targetable ESR1 mutation"
        );
    }
    // Fulvestrant with alpelisib also for HR-positive HER2-low disease.
    assert!(has_where(
        "fulvestrant",
        "treats",
        "her2-low-breast-cancer",
        |s| with_has(s, "alpelisib")
    ));
}

#[test]
fn hr_positive_her2_positive_disease() {
    assert_eq!(resolves("HR+/HER2+"), "hr-positive-her2-positive");
    assert!(has(
        "hr-positive-her2-positive",
        "subclass_of",
        "her2-positive-breast-cancer"
    ));
    assert!(has(
        "hr-positive-her2-positive",
        "subclass_of",
        "hr-positive"
    ));
    // "First-line treatment": hormonal therapy plus HER2-targeted therapy; hormonal therapy added
    // after chemotherapy ends.
    assert!(has(
        "hormonal-therapy-her2-targeted-therapy",
        "treats",
        "hr-positive-her2-positive"
    ));
    assert!(has_where(
        "hormonal-therapy",
        "treats",
        "hr-positive-her2-positive",
        |s| s
            .qualifiers
            .condition
            .as_deref()
            .is_some_and(|c| c.contains("chemotherapy ends"))
    ));
    assert!(has_where(
        "lapatinib",
        "treats",
        "hr-positive-her2-positive",
        |s| with_has(s, "letrozole")
    ));
}

#[test]
fn ovarian_suppression_tests_and_surgery() {
    // "Hormonal therapy": GnRH analogs cause a temporary menopause; schedules from the page, the
    // route from background.
    for d in ["goserelin", "leuprolide"] {
        assert!(has(d, "causes", "temporary-menopause"), "{d}");
        for e in g_out(d, "given_by") {
            let page = e.provenance.source == "cancer-net-mbc";
            assert_eq!(
                page,
                e.qualifiers.schedule.is_some(),
                "{d}: the schedule cites the page"
            );
        }
    }
    // ER/PR testing beside the HER2 test.
    assert!(has("hormone-receptor-test", "detects", "er-positive"));
    assert!(has("hormone-receptor-test", "detects", "pr-positive"));
    // Removing the primary tumour is a research question.
    assert!(has_where(
        "primary-tumor-removal",
        "treats",
        "metastatic-breast-cancer",
        |s| { s.provenance.evidence == mbckg::model::Evidence::ClinicalTrial }
    ));
    // PI3K alpha only on alpelisib.
    assert!(!has("pi3k-inhibitor", "targets", "pi3k-alpha"));
    assert!(has("alpelisib", "targets", "pi3k-alpha"));
    // Pembrolizumab's biomarker condition is the Immunotherapy section's.
    for s in statements("pembrolizumab", "treats", "metastatic-breast-cancer") {
        let biomarkers = s
            .qualifiers
            .condition
            .as_deref()
            .is_some_and(|c| c.contains("MSI-H"));
        assert!(!biomarkers || s.provenance.section == "Immunotherapy");
    }
}

#[test]
fn aliases_no_narrower_than_the_page() {
    let g = &*GRAPH;
    assert!(g.lookup("liquid biopsy").is_empty());
    assert!(g.lookup("brain MRI follow-up").is_empty());
}

/// Every statement `subject —relation→ …` written on the subject.
fn g_out(subject: &str, relation: &str) -> Vec<StatementRef<'static>> {
    let g = &*GRAPH;
    let rel = Relation::parse(relation).expect("a relation name");
    let s = g.by_id(subject).expect("node");
    g.out_rel(s, rel).map(|(e, _)| g.statement(e)).collect()
}

#[test]
fn capivasertib_needs_one_of_three_alterations() {
    // "1 or more mutations in the PIK3CA, AKT1, or PTEN genes": one any-of group.
    let groups: Vec<Option<String>> = ["pik3ca-mutation", "akt1-alteration", "pten-alteration"]
        .iter()
        .flat_map(|b| statements("capivasertib", "requires_biomarker", b))
        .map(|s| s.qualifiers.any_of.clone())
        .collect();
    assert_eq!(groups.len(), 3);
    assert!(groups[0].is_some() && groups.iter().all(|g| *g == groups[0]));
    // Alpelisib needs PIK3CA itself, not as one of several.
    assert!(has_where(
        "alpelisib",
        "requires_biomarker",
        "pik3ca-mutation",
        |s| s.qualifiers.any_of.is_none()
    ));
    // Pembrolizumab alone: MSI-H, dMMR or high TMB ("Immunotherapy").
    for b in ["msi-h", "dmmr", "tmb-high"] {
        assert!(
            has_where("pembrolizumab", "requires_biomarker", b, |s| s
                .qualifiers
                .any_of
                .is_some()),
            "{b}"
        );
    }
}

#[test]
fn eligibility_tests_are_not_monitoring() {
    // Tests that find a biomarker decide who can have a drug; monitoring follows treatment.
    assert!(has("elacestrant", "requires_test", "esr1-mutation-test"));
    assert!(has("alpelisib", "requires_test", "pik3ca-mutation-test"));
    assert!(has("entrectinib", "requires_test", "ntrk-fusion-test"));
    assert!(has("larotrectinib", "requires_test", "ntrk-fusion-test"));
    assert!(has(
        "targeted-therapy",
        "requires_test",
        "tumor-biomarker-test"
    ));
    assert!(has(
        "hormonal-therapy",
        "requires_test",
        "hormone-receptor-test"
    ));
    assert!(!has(
        "targeted-therapy",
        "requires_monitoring",
        "tumor-biomarker-test"
    ));
    // Margetuximab: an echocardiogram or a MUGA scan during treatment.
    assert!(has_where(
        "margetuximab",
        "requires_monitoring",
        "echocardiogram",
        |s| s.qualifiers.any_of.is_some()
    ));
    assert!(has_where(
        "margetuximab",
        "requires_monitoring",
        "muga-scan",
        |s| s.qualifiers.any_of.is_some()
    ));
    let g = &*GRAPH;
    for e in g.statements() {
        let st = g.statement(e);
        if st.relation == Relation::RequiresMonitoring {
            let m = g.by_id(st.object).expect("object");
            assert!(
                g.out_rel(m, Relation::Detects).next().is_none(),
                "{} monitors with a biomarker test at {}",
                st.subject,
                st.origin
            );
        }
    }
}
