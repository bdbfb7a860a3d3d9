//! Same-event clusters of near-duplicate complaints.
//!
//! Group complaints (群体性投诉) usually arrive as many copies of one text with
//! small personal edits: the same product name, the same branch, the same
//! demand. Finding them early matters because 20 or more complainants acting
//! together make a major complaint under CBIRC 令2020年第3号 Art. 29, with its
//! own emergency procedure.
//!
//! Method (linear in the number of documents, deterministic):
//! 1. each text is normalised, reduced to letters/ideographs with every digit
//!    run collapsed to `#` (so amounts, dates and phone numbers do not make
//!    copies look different), and cut into character 3-gram shingles;
//! 2. a 128-value MinHash signature is computed per text with fixed seeds;
//! 3. locality-sensitive hashing: the signature is cut into bands and texts
//!    sharing a band become candidate pairs;
//! 4. each candidate pair is verified by the estimated Jaccard similarity
//!    (fraction of equal signature values) against `threshold`, and verified
//!    pairs are merged with union-find.
//!
//! Within one LSH bucket each text is compared with at most a few
//! representatives of the groups already found there, which bounds the work
//! per bucket even when thousands of copies share it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::TextError;
use crate::corpus::Document;
use crate::normalize::normalize;
use crate::segment::Segmenter;

/// Signature length. 128 values give a Jaccard estimate with a standard error
/// of about 0.04 near the default threshold.
pub const NUM_HASHES: usize = 128;

/// Options for [`cluster`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterOptions {
    /// Minimum estimated Jaccard similarity of 3-gram sets for two texts to be
    /// joined.
    pub threshold: f64,
    /// LSH bands; must divide [`NUM_HASHES`]. 32 bands of 4 rows find pairs at
    /// Jaccard 0.6 with probability ≈ 0.99 and at 0.3 with ≈ 0.23.
    pub bands: usize,
    /// Texts with fewer shingle characters are not clustered (too little text
    /// to call two complaints the same event).
    pub min_chars: usize,
    /// Clusters smaller than this are not reported.
    pub min_size: usize,
    /// Cluster size at which `major_candidate` is set (Art. 29: 20 people).
    pub major_size: usize,
    /// Top terms reported per cluster.
    pub top_terms: usize,
    /// Seed of the hash functions; fixed for reproducible clusters.
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            threshold: 0.6,
            bands: 32,
            min_chars: 10,
            min_size: 2,
            major_size: 20,
            top_terms: 5,
            seed: 0x5EED_0FC0_FFEE,
        }
    }
}

/// Organisation with the number of cluster members it handles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCount {
    /// Organisation name (`未知` when absent).
    pub org: String,
    /// Members.
    pub count: usize,
}

/// Term with the number of cluster members mentioning it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermCount {
    /// Term.
    pub term: String,
    /// Members mentioning it (among the sampled members).
    pub docs: usize,
}

/// One same-event cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// 1-based rank (largest first).
    pub rank: usize,
    /// Number of members.
    pub size: usize,
    /// Member ids, oldest first.
    pub member_ids: Vec<String>,
    /// Earliest member date.
    pub first_date: NaiveDate,
    /// Latest member date.
    pub last_date: NaiveDate,
    /// Organisations, most members first.
    pub orgs: Vec<OrgCount>,
    /// Most frequent analysis terms of the members.
    pub top_terms: Vec<TermCount>,
    /// Size reached `major_size`: check for a major complaint (Art. 29).
    pub major_candidate: bool,
}

/// Result of [`cluster`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterReport {
    /// Documents given.
    pub total_docs: usize,
    /// Documents long enough to be clustered.
    pub clusterable_docs: usize,
    /// Documents in a reported cluster.
    pub clustered_docs: usize,
    /// Clusters, largest first.
    pub clusters: Vec<Cluster>,
}

/// At most this many representatives are compared per bucket.
const MAX_REPS_PER_BUCKET: usize = 4;
/// Members whose terms are counted for a cluster's top terms.
const TERM_SAMPLE: usize = 50;

/// Finds clusters of near-duplicate texts among `docs`.
pub fn cluster(
    docs: &[Document],
    options: &ClusterOptions,
    segmenter: &Segmenter,
) -> Result<ClusterReport, TextError> {
    if options.bands == 0 || !NUM_HASHES.is_multiple_of(options.bands) {
        return Err(TextError::InvalidOption {
            name: "bands",
            reason: format!("分段数须为 {NUM_HASHES} 的约数"),
        });
    }
    if !(options.threshold > 0.0 && options.threshold <= 1.0) {
        return Err(TextError::InvalidOption {
            name: "threshold",
            reason: "相似度阈值须在 0 与 1 之间".into(),
        });
    }
    let n = docs.len();
    if u32::try_from(n).is_err() {
        return Err(TextError::InvalidOption {
            name: "docs",
            reason: "文档数量超出单次聚类上限".into(),
        });
    }
    let hasher = MinHasher::new(options.seed);
    let mut signatures = vec![0u32; n * NUM_HASHES];
    let mut usable = vec![false; n];
    compute_signatures(
        docs,
        &hasher,
        options.min_chars,
        &mut signatures,
        &mut usable,
    );
    let clusterable = usable.iter().filter(|&&u| u).count();

    let mut sets = UnionFind::new(n);
    let rows = NUM_HASHES / options.bands;
    let need = (options.threshold * NUM_HASHES as f64).ceil() as usize;
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(clusterable);
    for band in 0..options.bands {
        keys.clear();
        for (i, _) in usable.iter().enumerate().filter(|(_, u)| **u) {
            let sig = &signatures[i * NUM_HASHES..(i + 1) * NUM_HASHES];
            keys.push((
                band_key(&sig[band * rows..(band + 1) * rows], band),
                i as u32,
            ));
        }
        keys.sort_unstable();
        let mut start = 0;
        while start < keys.len() {
            let mut end = start + 1;
            while end < keys.len() && keys[end].0 == keys[start].0 {
                end += 1;
            }
            if end - start > 1 {
                merge_bucket(&keys[start..end], &signatures, need, &mut sets);
            }
            start = end;
        }
    }

    // Collect members per root.
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, _) in usable.iter().enumerate().filter(|(_, u)| **u) {
        groups.entry(sets.find(i as u32)).or_default().push(i);
    }
    let mut clusters: Vec<Cluster> = groups
        .into_values()
        .filter(|m| m.len() >= options.min_size.max(2))
        .map(|mut members| {
            members.sort_by(|&a, &b| {
                docs[a]
                    .date
                    .cmp(&docs[b].date)
                    .then_with(|| docs[a].id.cmp(&docs[b].id))
            });
            describe(docs, &members, options, segmenter)
        })
        .collect();
    clusters.sort_by(|a, b| {
        b.size
            .cmp(&a.size)
            .then(a.first_date.cmp(&b.first_date))
            .then_with(|| a.member_ids.cmp(&b.member_ids))
    });
    for (i, c) in clusters.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    let clustered_docs = clusters.iter().map(|c| c.size).sum();
    Ok(ClusterReport {
        total_docs: n,
        clusterable_docs: clusterable,
        clustered_docs,
        clusters,
    })
}

fn describe(
    docs: &[Document],
    members: &[usize],
    options: &ClusterOptions,
    segmenter: &Segmenter,
) -> Cluster {
    let mut orgs: HashMap<&str, usize> = HashMap::new();
    for &m in members {
        *orgs
            .entry(docs[m].org.as_deref().unwrap_or("未知"))
            .or_default() += 1;
    }
    let mut orgs: Vec<OrgCount> = orgs
        .into_iter()
        .map(|(org, count)| OrgCount {
            org: org.to_string(),
            count,
        })
        .collect();
    orgs.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.org.cmp(&b.org)));

    // Spread the term sample over the whole cluster.
    let step = members.len().div_ceil(TERM_SAMPLE).max(1);
    let mut terms: HashMap<String, usize> = HashMap::new();
    for &m in members.iter().step_by(step) {
        for t in docs[m].distinct_terms(segmenter) {
            *terms.entry(t).or_default() += 1;
        }
    }
    let mut top_terms: Vec<TermCount> = terms
        .into_iter()
        .map(|(term, docs)| TermCount { term, docs })
        .collect();
    top_terms.sort_by(|a, b| b.docs.cmp(&a.docs).then_with(|| a.term.cmp(&b.term)));
    top_terms.truncate(options.top_terms);

    let first = members.first().map(|&m| docs[m].date).unwrap_or_default();
    let last = members.iter().map(|&m| docs[m].date).max().unwrap_or(first);
    Cluster {
        rank: 0,
        size: members.len(),
        member_ids: members.iter().map(|&m| docs[m].id.clone()).collect(),
        first_date: first,
        last_date: last,
        orgs,
        top_terms,
        major_candidate: members.len() >= options.major_size,
    }
}

/// Compares the members of one LSH bucket with a few representatives and
/// merges verified pairs.
///
/// Verification compares the clusters' roots (the representative document of
/// each cluster, kept stable by union by size) rather than the two documents
/// that met in the bucket. Plain single linkage would let a chain of texts,
/// each a small edit of the previous one, pull unrelated complaints into one
/// giant cluster; comparing roots keeps every member close to its
/// representative.
fn merge_bucket(bucket: &[(u64, u32)], signatures: &[u32], need: usize, sets: &mut UnionFind) {
    let mut reps: [u32; MAX_REPS_PER_BUCKET] = [0; MAX_REPS_PER_BUCKET];
    let mut n_reps = 0;
    for &(_, doc) in bucket {
        let root = sets.find(doc);
        if reps[..n_reps].iter().any(|&r| sets.find(r) == root) {
            continue;
        }
        let mut merged = false;
        for &r in &reps[..n_reps] {
            let other = sets.find(r);
            if agreement(signatures, root as usize, other as usize) >= need {
                sets.union(root, other);
                merged = true;
                break;
            }
        }
        if !merged && n_reps < MAX_REPS_PER_BUCKET {
            reps[n_reps] = doc;
            n_reps += 1;
        }
    }
}

/// Number of equal signature positions of documents `a` and `b`.
fn agreement(signatures: &[u32], a: usize, b: usize) -> usize {
    let sa = &signatures[a * NUM_HASHES..(a + 1) * NUM_HASHES];
    let sb = &signatures[b * NUM_HASHES..(b + 1) * NUM_HASHES];
    sa.iter().zip(sb).filter(|(x, y)| x == y).count()
}

/// Estimated Jaccard similarity of the 3-gram sets of two texts (the
/// fraction of equal MinHash values), for callers that compare single pairs.
pub fn similarity(a: &str, b: &str) -> Option<f64> {
    let hasher = MinHasher::new(ClusterOptions::default().seed);
    let mut sa = [0u32; NUM_HASHES];
    let mut sb = [0u32; NUM_HASHES];
    let mut buf = Vec::new();
    if !hasher.signature(&normalize(a), 3, &mut buf, &mut sa)
        || !hasher.signature(&normalize(b), 3, &mut buf, &mut sb)
    {
        return None;
    }
    let equal = sa.iter().zip(&sb).filter(|(x, y)| x == y).count();
    Some(equal as f64 / NUM_HASHES as f64)
}

fn compute_signatures(
    docs: &[Document],
    hasher: &MinHasher,
    min_chars: usize,
    signatures: &mut [u32],
    usable: &mut [bool],
) {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(16);
    let per = docs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for ((doc_chunk, sig_chunk), ok_chunk) in docs
            .chunks(per)
            .zip(signatures.chunks_mut(per * NUM_HASHES))
            .zip(usable.chunks_mut(per))
        {
            scope.spawn(move || {
                let mut buf = Vec::with_capacity(256);
                for ((doc, sig), ok) in doc_chunk
                    .iter()
                    .zip(sig_chunk.chunks_mut(NUM_HASHES))
                    .zip(ok_chunk.iter_mut())
                {
                    *ok = hasher.signature(&normalize(&doc.text), min_chars, &mut buf, sig);
                }
            });
        }
    });
}

/// MinHash over shingle hashes with 128 hash functions `h_i(x) = a_i·x + b_i
/// (mod 2^32)`, `a_i` odd, applied to a well-mixed 32-bit hash `x` of each
/// shingle. 32-bit lanes let the compiler vectorise the inner loop, which is
/// most of the clustering time.
struct MinHasher {
    mul: [u32; NUM_HASHES],
    add: [u32; NUM_HASHES],
}

impl MinHasher {
    fn new(seed: u64) -> Self {
        let mut state = seed;
        let mut mul = [0u32; NUM_HASHES];
        let mut add = [0u32; NUM_HASHES];
        for i in 0..NUM_HASHES {
            let r = splitmix(&mut state);
            mul[i] = (r as u32) | 1;
            add[i] = (r >> 32) as u32;
        }
        MinHasher { mul, add }
    }

    /// Writes the signature of `normalized` into `out`; returns false when the
    /// text has fewer than `min_chars` shingle characters.
    fn signature(
        &self,
        normalized: &str,
        min_chars: usize,
        buf: &mut Vec<u32>,
        out: &mut [u32],
    ) -> bool {
        if !shingle_chars(normalized, buf) || buf.len() < min_chars.max(3) {
            return false;
        }
        let out: &mut [u32; NUM_HASHES] = match out.try_into() {
            Ok(o) => o,
            Err(_) => return false,
        };
        out.fill(u32::MAX);
        for w in buf.windows(3) {
            let key = (u64::from(w[0]) << 42) | (u64::from(w[1]) << 21) | u64::from(w[2]);
            let x = (mix64(key) >> 32) as u32;
            for ((slot, &m), &a) in out.iter_mut().zip(&self.mul).zip(&self.add) {
                *slot = (*slot).min(m.wrapping_mul(x).wrapping_add(a));
            }
        }
        true
    }
}

/// The characters that shingles are made of: letters and ideographs (ASCII
/// lower-cased), each run of digits collapsed to one `#`, everything else
/// dropped. Returns false for an empty result.
fn shingle_chars(normalized: &str, buf: &mut Vec<u32>) -> bool {
    buf.clear();
    let mut last_digit = false;
    for c in normalized.chars() {
        if c.is_ascii_digit() {
            if !last_digit {
                buf.push('#' as u32);
            }
            last_digit = true;
        } else {
            last_digit = false;
            if c.is_alphanumeric() {
                buf.push(c.to_ascii_lowercase() as u32);
            }
        }
    }
    !buf.is_empty()
}

fn band_key(rows: &[u32], band: usize) -> u64 {
    let mut h = 0x9E37_79B9_7F4A_7C15u64 ^ band as u64;
    for &r in rows {
        h = mix64(h ^ u64::from(r));
    }
    h
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix64(*state)
}

/// The SplitMix64 / Murmur3 finaliser: a fast, well-mixing 64-bit bijection.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, d).unwrap_or_default()
    }

    const SURNAMES: [&str; 10] = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];

    /// A group complaint: one template with small personal edits.
    fn group_copy(i: usize) -> String {
        let variants = ["", "本人", "我", "投诉人"];
        let tails = ["", "，请尽快处理", "，否则将向12378投诉", "。"];
        format!(
            "{}{}某于2023年在城东支行购买了稳盈安享3号理财产品{}万元，产品到期后银行以资金未到位为由拒绝兑付本金和收益，多次到网点要求兑付均被推诿，要求银行立即兑付本金及约定收益{}",
            variants[i % 4],
            SURNAMES[i % 10],
            5 + i * 3,
            tails[(i / 4) % 4],
        )
    }

    /// Unrelated complaints built from independent fragment choices.
    fn unrelated(i: usize) -> String {
        let who = [
            "信用卡中心",
            "手机银行",
            "柜台",
            "客服热线",
            "ATM",
            "理财经理",
            "催收人员",
            "贷款审批",
            "网点保安",
            "大堂经理",
            "智能柜台",
        ];
        let what = [
            "年费在未告知的情况下被扣除",
            "转账显示成功但对方一直没有收到",
            "态度恶劣并且当众大声呵斥老人",
            "登录时反复闪退无法使用",
            "每天打十几个电话骚扰家人和同事",
            "推销保险时说和存款一样保本",
            "房贷审批拖了两个月还没有结果",
            "分期手续费折算成年化利率远高于宣传",
            "排队三个小时只开了一个窗口",
            "征信报告出现一笔从未办理过的贷款",
            "吞卡后二十四小时无人处理",
            "提前还款被收取高额违约金",
        ];
        let ask = [
            "希望给个说法",
            "要求退还费用",
            "要求道歉",
            "请核实处理",
            "要求赔偿损失",
            "要求删除不良记录",
            "请领导重视",
        ];
        format!(
            "{}的{}，{}。",
            who[i % who.len()],
            what[(i * 7 + i / 3) % what.len()],
            ask[(i * 5 + i / 11) % ask.len()]
        )
    }

    fn corpus() -> Vec<Document> {
        let mut docs = Vec::new();
        for i in 0..25 {
            let mut d = Document::new(format!("G{i:02}"), day(1 + (i as u32 % 10)), group_copy(i));
            d.org = Some(
                if i % 5 == 0 {
                    "城西支行"
                } else {
                    "城东支行"
                }
                .to_string(),
            );
            docs.push(d);
        }
        // a smaller second event: 3 copies
        for i in 0..3 {
            docs.push(Document::new(
                format!("S{i}"),
                day(20 + i as u32),
                format!(
                    "网点ATM机吞卡后客服电话一直打不通，卡里有工资{}元急用，请尽快取出吞掉的银行卡",
                    3000 + i * 1000
                ),
            ));
        }
        for i in 0..120 {
            docs.push(Document::new(format!("U{i:03}"), day(15), unrelated(i)));
        }
        docs.push(Document::new("short", day(2), "投诉"));
        docs
    }

    #[test]
    fn finds_group_complaint_and_nothing_spurious() {
        let seg = Segmenter::shared();
        let docs = corpus();
        let report =
            cluster(&docs, &ClusterOptions::default(), seg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.total_docs, docs.len());
        assert_eq!(
            report.clusterable_docs,
            docs.len() - 1,
            "the 2-char text is not clusterable"
        );
        let big = &report.clusters[0];
        assert_eq!(big.rank, 1);
        assert_eq!(big.size, 25, "{:?}", big.member_ids);
        assert!(big.member_ids.iter().all(|id| id.starts_with('G')));
        assert!(big.major_candidate);
        assert_eq!((big.first_date, big.last_date), (day(1), day(10)));
        assert_eq!(
            big.orgs[0],
            OrgCount {
                org: "城东支行".into(),
                count: 20
            }
        );
        assert_eq!(
            big.orgs[1],
            OrgCount {
                org: "城西支行".into(),
                count: 5
            }
        );
        assert!(
            big.top_terms.iter().any(|t| t.term == "兑付"),
            "{:?}",
            big.top_terms
        );
        assert!(big.top_terms.len() <= 5);
        let small = report
            .clusters
            .iter()
            .find(|c| c.member_ids.iter().any(|id| id == "S0"))
            .unwrap_or_else(|| panic!("second event not found"));
        assert_eq!(small.member_ids, vec!["S0", "S1", "S2"]);
        assert!(!small.major_candidate);
        // The unrelated generator repeats fragment combinations, so exact or
        // near copies among them are legitimate clusters; none may mix with
        // the two events.
        for c in report
            .clusters
            .iter()
            .filter(|c| c.member_ids[0].starts_with('U'))
        {
            assert!(
                c.member_ids.iter().all(|id| id.starts_with('U')),
                "{:?}",
                c.member_ids
            );
        }
        assert_eq!(
            report
                .clusters
                .iter()
                .filter(|c| !c.member_ids[0].starts_with('U'))
                .count(),
            2
        );
    }

    #[test]
    fn deterministic() {
        let seg = Segmenter::shared();
        let docs = corpus();
        let a = cluster(&docs, &ClusterOptions::default(), seg).unwrap_or_else(|e| panic!("{e}"));
        let b = cluster(&docs, &ClusterOptions::default(), seg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
    }

    #[test]
    fn similarity_estimates() {
        let base = group_copy(0);
        let cases: Vec<(String, String, f64, f64)> = vec![
            (base.clone(), base.clone(), 1.0, 1.0),
            (base.clone(), group_copy(5), 0.6, 1.0),
            // digits collapse: amounts and phone numbers do not matter
            (
                "余额500元被扣，电话13800000000".into(),
                "余额90000元被扣，电话13912345678".into(),
                1.0,
                1.0,
            ),
            (base.clone(), unrelated(3), 0.0, 0.15),
            (unrelated(1), unrelated(2), 0.0, 0.3),
        ];
        for (a, b, lo, hi) in cases {
            let s = similarity(&a, &b).unwrap_or(-1.0);
            assert!(s >= lo && s <= hi, "{a} / {b}: {s}");
        }
        assert_eq!(similarity("短", "短文本也不行吗"), None);
    }

    /// The signature estimate tracks the exact Jaccard similarity of the
    /// 3-gram sets.
    #[test]
    fn estimate_tracks_exact_jaccard() {
        fn exact(a: &str, b: &str) -> f64 {
            let set = |s: &str| {
                let mut buf = Vec::new();
                shingle_chars(&normalize(s), &mut buf);
                buf.windows(3)
                    .map(|w| (w[0], w[1], w[2]))
                    .collect::<std::collections::HashSet<_>>()
            };
            let (x, y) = (set(a), set(b));
            x.intersection(&y).count() as f64 / x.union(&y).count() as f64
        }
        let base = group_copy(0);
        let mut pairs: Vec<(String, String)> =
            (1..12).map(|i| (base.clone(), group_copy(i))).collect();
        pairs.extend((0..12).map(|i| (unrelated(i), unrelated(i + 5))));
        pairs.push((base.clone(), base[..base.len() / 2].to_string()));
        let mut total_error = 0.0;
        for (a, b) in &pairs {
            let est = similarity(a, b).unwrap_or(-1.0);
            let ex = exact(a, b);
            assert!(
                (est - ex).abs() < 0.15,
                "{a} / {b}: estimate {est}, exact {ex}"
            );
            total_error += (est - ex).abs();
        }
        assert!(
            total_error / (pairs.len() as f64) < 0.05,
            "mean error {}",
            total_error / pairs.len() as f64
        );
    }

    /// A chain of small edits must not become one cluster: each text shares
    /// most of its phrases with the next but nothing with texts far away.
    #[test]
    fn chains_do_not_collapse_into_one_cluster() {
        let seg = Segmenter::shared();
        let phrases = [
            "信用卡年费被乱扣",
            "客服电话打不通",
            "网点排队两小时",
            "理财经理误导销售",
            "催收电话骚扰家人",
            "征信记录出现错误",
            "提前还款收违约金",
            "手机银行闪退",
            "账户被无故冻结",
            "转账迟迟不到账",
            "柜员态度很恶劣",
            "存款利息算错了",
            "保险当成存款卖",
            "贷款审批拖延",
            "残币拒绝兑换",
            "外汇汇款被退回",
            "积存金回购价低",
            "国债额度买不到",
        ];
        let docs: Vec<Document> = (0..12)
            .map(|k| Document::new(format!("K{k:02}"), day(1), phrases[k..k + 6].join("，")))
            .collect();
        let near = similarity(&docs[0].text, &docs[1].text).unwrap_or(0.0);
        let far = similarity(&docs[0].text, &docs[6].text).unwrap_or(1.0);
        assert!(near >= 0.6 && far < 0.1, "near {near}, far {far}");
        let report =
            cluster(&docs, &ClusterOptions::default(), seg).unwrap_or_else(|e| panic!("{e}"));
        let largest = report.clusters.first().map_or(0, |c| c.size);
        assert!(largest >= 2, "neighbours should still cluster");
        assert!(largest <= 4, "chain collapsed into a cluster of {largest}");
    }

    #[test]
    fn options_are_validated() {
        let seg = Segmenter::shared();
        let bad = ClusterOptions {
            bands: 30,
            ..ClusterOptions::default()
        };
        assert!(cluster(&[], &bad, seg).is_err());
        let bad = ClusterOptions {
            threshold: 0.0,
            ..ClusterOptions::default()
        };
        assert!(cluster(&[], &bad, seg).is_err());
        let empty = cluster(&[], &ClusterOptions::default(), seg).unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.clusters.is_empty());
    }

    #[test]
    fn major_threshold_is_configurable() {
        let seg = Segmenter::shared();
        let opts = ClusterOptions {
            major_size: 26,
            ..ClusterOptions::default()
        };
        let report = cluster(&corpus(), &opts, seg).unwrap_or_else(|e| panic!("{e}"));
        assert!(!report.clusters[0].major_candidate);
    }
}
