//! The literal automaton: Aho-Corasick over a dense alphabet, walked one
//! normalised character at a time while the text is being normalised.
//!
//! A general-purpose automaton works on the finished normalised text, which
//! means decoding it a second time, and its character map and state array
//! are sized for any alphabet, so a Chinese text misses the cache on most
//! characters. The knowledge base, however, uses only a few thousand
//! characters (under a thousand in the seed). Each of them gets a small id
//! (`u16`); every other character gets id 0, which no pattern contains and
//! which therefore always leads back to the root. The root's transitions
//! are one dense row indexed by id (most characters of a text are read at
//! the root), a deeper state keeps its first edge in its own row (most
//! have one edge or none) and any others in a short sorted run, and failure
//! links do the rest.
//!
//! Each state knows every pattern that ends in it, its own and those of its
//! failure chain, so one step reports all overlapping occurrences exactly
//! like an overlapping search of the whole text would. Transition targets
//! carry a flag bit when the state has patterns, so the walk only looks
//! further when something ends.

use std::collections::{BTreeMap, VecDeque};

use crate::error::CompileError;

/// Set on a transition target whose state has patterns ending in it.
const OUTPUT: u32 = 1 << 31;
const STATE_MASK: u32 = OUTPUT - 1;
/// Edge runs up to this long are scanned; longer ones are searched.
const LINEAR_EDGES: usize = 8;

/// An Aho-Corasick automaton over the characters of its patterns.
#[derive(Debug, Clone)]
pub(crate) struct DenseAutomaton {
    /// Ids of BMP characters in two levels: `bmp_blocks[c >> 8]` picks a
    /// block of 256 ids in `bmp_ids` (block 0 is all zeros and stands for
    /// every block without a pattern character). The knowledge base's
    /// characters fill a few dozen blocks, some 40 KiB that stay in the
    /// first- and second-level caches, where one flat table (128 KiB)
    /// missed them; a rank in a bit set would be smaller still but needs a
    /// population count, which baseline x86-64 lacks.
    bmp_blocks: Box<[u16; 256]>,
    bmp_ids: Vec<[u16; 256]>,
    /// Ids of characters outside the BMP, sorted by character.
    astral_ids: Vec<(char, u16)>,
    /// The root's transitions, by id (tagged targets). Sized for every
    /// `u16` so that indexing needs no bounds check; only the first
    /// alphabet-size entries are ever read.
    root: Box<[u32; 1 << 16]>,
    /// One row per state, the first edge inline: most states have at most
    /// one edge, and then a step reads one row and nothing else.
    states: Vec<StateRow>,
    /// The edges after the first, grouped by state, sorted within a group.
    edge_ids: Vec<u16>,
    /// Edge targets (tagged), parallel to `edge_ids`.
    edge_next: Vec<u32>,
    /// Patterns ending in each state: `outputs[out_start[s]..out_start[s + 1]]`.
    out_start: Vec<u32>,
    outputs: Vec<u32>,
}

#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(16))]
struct StateRow {
    /// Failure link (untagged).
    fail: u32,
    /// Target of the first edge (tagged).
    first_next: u32,
    /// Label of the first edge; 0 (no character) when there is none.
    first_id: u16,
    /// Number of further edges, in `edge_ids[rest..rest + more]`.
    more: u16,
    rest: u32,
}

impl DenseAutomaton {
    /// Builds the automaton; pattern `i` is reported as `i`. Empty patterns
    /// are never reported.
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, CompileError> {
        let alphabet: std::collections::BTreeSet<char> =
            patterns.iter().flat_map(|p| p.as_ref().chars()).collect();
        if alphabet.len() >= usize::from(u16::MAX) {
            return Err(CompileError::Automaton(format!(
                "{} distinct characters in literals; at most 65,534",
                alphabet.len()
            )));
        }
        // Ids in code-point order from 1.
        let ids: BTreeMap<char, u16> = alphabet
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u16 + 1))
            .collect();
        let mut bmp_blocks = Box::new([0u16; 256]);
        let mut bmp_ids = vec![[0u16; 256]];
        let mut astral_ids = Vec::new();
        for (&c, &id) in &ids {
            let cp = c as usize;
            if cp < 0x1_0000 {
                let block = &mut bmp_blocks[cp >> 8];
                if *block == 0 {
                    *block = bmp_ids.len() as u16;
                    bmp_ids.push([0; 256]);
                }
                bmp_ids[usize::from(*block)][cp & 0xff] = id;
            } else {
                astral_ids.push((c, id));
            }
        }

        // The trie, with children in maps while building.
        let mut children: Vec<BTreeMap<u16, u32>> = vec![BTreeMap::new()];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        for (pi, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            if p.is_empty() {
                continue;
            }
            let mut s = 0usize;
            for c in p.chars() {
                let id = ids[&c];
                s = match children[s].get(&id) {
                    Some(&t) => t as usize,
                    None => {
                        let t = children.len();
                        children[s].insert(id, t as u32);
                        children.push(BTreeMap::new());
                        own.push(Vec::new());
                        t
                    }
                };
            }
            own[s].push(pi as u32);
        }
        let n = children.len();
        if n >= OUTPUT as usize {
            return Err(CompileError::Automaton(format!("{n} states; too many")));
        }

        // Failure links and complete output lists, breadth first.
        let mut fail = vec![0u32; n];
        let mut out: Vec<Vec<u32>> = own;
        let mut queue: VecDeque<usize> = children[0].values().map(|&t| t as usize).collect();
        while let Some(s) = queue.pop_front() {
            let edges: Vec<(u16, u32)> = children[s].iter().map(|(&a, &b)| (a, b)).collect();
            for (id, t) in edges {
                let t = t as usize;
                let mut f = fail[s] as usize;
                let target = loop {
                    if let Some(&g) = children[f].get(&id) {
                        break g as usize;
                    }
                    if f == 0 {
                        break 0;
                    }
                    f = fail[f] as usize;
                };
                fail[t] = target as u32;
                let inherited = out[target].clone();
                out[t].extend(inherited);
                queue.push_back(t);
            }
        }

        let tag = |t: u32| {
            if out[t as usize].is_empty() {
                t
            } else {
                t | OUTPUT
            }
        };
        let mut root: Box<[u32; 1 << 16]> = vec![0u32; 1 << 16]
            .into_boxed_slice()
            .try_into()
            .map_err(|_| CompileError::Automaton("root row".into()))?;
        for (&id, &t) in &children[0] {
            root[usize::from(id)] = tag(t);
        }
        let mut states = Vec::with_capacity(n);
        let mut edge_ids = Vec::new();
        let mut edge_next = Vec::new();
        for (s, kids) in children.iter().enumerate() {
            let mut row = StateRow {
                fail: fail[s],
                rest: edge_ids.len() as u32,
                ..StateRow::default()
            };
            let mut kids = kids.iter();
            if let Some((&id, &t)) = kids.next() {
                row.first_id = id;
                row.first_next = tag(t);
            }
            for (&id, &t) in kids {
                edge_ids.push(id);
                edge_next.push(tag(t));
                row.more += 1;
            }
            states.push(row);
        }
        let mut out_start = Vec::with_capacity(n + 1);
        let mut outputs = Vec::new();
        for list in &out {
            out_start.push(outputs.len() as u32);
            outputs.extend_from_slice(list);
        }
        out_start.push(outputs.len() as u32);
        Ok(DenseAutomaton {
            bmp_blocks,
            bmp_ids,
            astral_ids,
            root,
            states,
            edge_ids,
            edge_next,
            out_start,
            outputs,
        })
    }

    /// The id of a character (0 for characters in no pattern).
    #[inline(always)]
    pub(crate) fn id_of(&self, c: char) -> u16 {
        let cp = c as usize;
        match self.bmp_blocks.get(cp >> 8) {
            Some(&block) => self.bmp_ids[usize::from(block)][cp & 0xff],
            None => self
                .astral_ids
                .binary_search_by_key(&c, |(a, _)| *a)
                .map_or(0, |i| self.astral_ids[i].1),
        }
    }

    /// The state after reading `c` in `state` (both tagged: test the
    /// result with [`has_output`]).
    #[inline(always)]
    pub(crate) fn step(&self, state: u32, c: char) -> u32 {
        let id = self.id_of(c);
        if id == 0 {
            return 0;
        }
        let mut s = (state & STATE_MASK) as usize;
        loop {
            if s == 0 {
                return self.root[usize::from(id)];
            }
            let row = self.states[s];
            if row.first_id == id {
                return row.first_next;
            }
            if row.more > 0 {
                let from = row.rest as usize;
                let labels = &self.edge_ids[from..from + row.more as usize];
                let found = if labels.len() <= LINEAR_EDGES {
                    labels.iter().position(|&l| l == id)
                } else {
                    labels.binary_search(&id).ok()
                };
                if let Some(i) = found {
                    return self.edge_next[from + i];
                }
            }
            s = row.fail as usize;
        }
    }

    /// The patterns ending in a (tagged) state.
    #[inline]
    pub(crate) fn outputs(&self, state: u32) -> &[u32] {
        let s = (state & STATE_MASK) as usize;
        &self.outputs[self.out_start[s] as usize..self.out_start[s + 1] as usize]
    }
}

/// Whether patterns end in a (tagged) state.
#[inline(always)]
pub(crate) fn has_output(state: u32) -> bool {
    state & OUTPUT != 0
}

/// Walks an automaton along kept characters and records where patterns end.
pub(crate) struct Walk<'a> {
    automaton: &'a DenseAutomaton,
    state: u32,
    /// `(end, state)`: the normalised char index just after the character
    /// at which the (tagged) state with patterns was reached.
    pub(crate) hits: &'a mut Vec<(usize, u32)>,
}

impl<'a> Walk<'a> {
    pub(crate) fn new(automaton: &'a DenseAutomaton, hits: &'a mut Vec<(usize, u32)>) -> Self {
        hits.clear();
        Walk {
            automaton,
            state: 0,
            hits,
        }
    }

    /// Starts again from the root with no hits (the text is walked anew).
    pub(crate) fn restart(&mut self) {
        self.state = 0;
        self.hits.clear();
    }
}

impl crate::normalize::KeptSink for Walk<'_> {
    #[inline(always)]
    fn kept(&mut self, index: usize, c: char) {
        let next = self.automaton.step(self.state, c);
        self.state = next;
        if has_output(next) {
            self.hits.push((index + 1, next));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence `(start char, end char, pattern)` by brute force.
    fn brute(patterns: &[&str], text: &str) -> Vec<(usize, usize, u32)> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        for (pi, p) in patterns.iter().enumerate() {
            let pc: Vec<char> = p.chars().collect();
            if pc.is_empty() || pc.len() > chars.len() {
                continue;
            }
            for s in 0..=chars.len() - pc.len() {
                if chars[s..s + pc.len()] == pc[..] {
                    out.push((s, s + pc.len(), pi as u32));
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn walked(patterns: &[&str], text: &str) -> Vec<(usize, usize, u32)> {
        let a = DenseAutomaton::new(patterns).expect("small alphabet");
        let mut hits = Vec::new();
        let mut w = Walk::new(&a, &mut hits);
        for (i, c) in text.chars().enumerate() {
            crate::normalize::KeptSink::kept(&mut w, i, c);
        }
        let mut out = Vec::new();
        for &(end, state) in w.hits.iter() {
            for &p in a.outputs(state) {
                let len = patterns[p as usize].chars().count();
                out.push((end - len, end, p));
            }
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn overlapping_and_nested_patterns() {
        let pats = [
            "知识产权",
            "国家知识产权局",
            "产权",
            "权局",
            "保本",
            "保本保息",
            "息",
        ];
        let text = "国家知识产权局说保本保息不是保本保收益，国家知识产权";
        assert_eq!(walked(&pats, text), brute(&pats, text));
        assert!(!walked(&pats, text).is_empty());
    }

    #[test]
    fn characters_outside_the_bmp_and_unknown_ones() {
        let pats = ["𠮷野家", "a𠮷", "野"];
        let text = "xa𠮷野家🙂野a𠮷";
        assert_eq!(walked(&pats, text), brute(&pats, text));
    }

    #[test]
    fn no_patterns() {
        let pats: [&str; 0] = [];
        assert!(walked(&pats, "任何文本").is_empty());
        let empty = [""];
        assert!(walked(&empty, "任何文本").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn same_occurrences_as_brute_force(
            pats in proptest::collection::vec("[收益保本息a-c%0-9]{1,5}", 1..30),
            text in "[收益保本息a-d%0-9 ，]{0,60}",
        ) {
            let pats: Vec<&str> = pats.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(walked(&pats, &text), brute(&pats, &text));
        }
    }
}
