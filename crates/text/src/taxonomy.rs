//! JR/T 0169-2018 label names used by the classifier.
//!
//! The names are exactly those of `regulations.md` §2.1 (and of
//! `data/taxonomy/jrt0169.json`, which adds the local codes). The classifier
//! itself accepts any label strings, so a bank can train on its own sub-codes;
//! these lists are what the shipped training set uses and what a suggestion
//! shown to staff is checked against.

/// 投诉业务类别 (dimension B), 14 names.
pub const BUSINESS_CATEGORIES: [&str; 14] = [
    "银行卡",
    "债务催收",
    "贷款",
    "支付结算",
    "自营理财",
    "其他中间业务",
    "银行代理业务",
    "个人金融信息",
    "外汇",
    "人民币储蓄",
    "贵金属",
    "国库",
    "人民币管理",
    "其他",
];

/// 投诉原因 (dimension C), 12 named reasons plus 其他.
pub const REASONS: [&str; 13] = [
    "服务态度及服务质量",
    "金融机构服务设施、设备、业务系统",
    "金融机构管理制度、业务规则与流程",
    "营销方式和手段",
    "信息披露",
    "自主选择权",
    "定价收费",
    "产品收益",
    "合同条款",
    "消费者资金安全",
    "消费者信息安全",
    "债务催收方式和手段",
    "其他",
];

/// Whether `name` is one of the standard business categories.
pub fn is_business_category(name: &str) -> bool {
    BUSINESS_CATEGORIES.contains(&name)
}

/// Whether `name` is one of the standard complaint reasons.
pub fn is_reason(name: &str) -> bool {
    REASONS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_recognised() {
        let mut b = BUSINESS_CATEGORIES.to_vec();
        b.sort();
        b.dedup();
        assert_eq!(b.len(), 14);
        let mut r = REASONS.to_vec();
        r.sort();
        r.dedup();
        assert_eq!(r.len(), 13);
        assert!(is_business_category("债务催收"));
        assert!(!is_business_category("信用卡"));
        assert!(is_reason("金融机构服务设施、设备、业务系统"));
        assert!(!is_reason("服务设施"));
    }
}
