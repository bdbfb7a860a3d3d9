//! Grouped k-fold cross-validation of the shipped training set.
//!
//! ```text
//! cargo run --release -p xiaobao-text --example cv_report
//! ```
fn main() {
    let examples = match xiaobao_text::classify::builtin_examples() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let seg = xiaobao_text::Segmenter::shared();
    let options = xiaobao_text::classify::TrainOptions::default();
    match xiaobao_text::classify::cross_validate(&examples, 5, &options, seg) {
        Ok(r) => {
            for (name, h) in [
                ("business_category", &r.business_category),
                ("reason", &r.reason),
                ("is_complaint", &r.is_complaint),
            ] {
                println!(
                    "{name}: accuracy {:.3}, macro-F1 {:.3}, majority {:.3}",
                    h.accuracy, h.macro_f1, h.majority_baseline
                );
                for c in &h.per_class {
                    println!(
                        "  {:<24} n={:<5} recall {:.2} precision {:.2}",
                        c.label, c.support, c.recall, c.precision
                    );
                }
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
