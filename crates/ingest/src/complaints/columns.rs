//! The column model of complaint files: one column per field of
//! [`ComplaintInput`], each with its English contract name (dotted for the
//! complainant's fields, as in flat files), its Chinese header and the other
//! titles bank spreadsheets commonly use for it.

use std::collections::HashMap;
use std::sync::OnceLock;

use xiaobao_domain::intake::{ComplainantInput, ComplaintInput};

/// A field of [`ComplaintInput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    ReceivedAt,
    Channel,
    BusinessCategory,
    BusinessSubcategory,
    Reason,
    Content,
    Title,
    Source,
    Org,
    ExternalId,
    ComplainantName,
    ComplainantPhone,
    ComplainantIdNumber,
    ComplainantCardNumber,
    ComplainantRole,
    Demands,
    VulnerableFlags,
    Product,
    Amount,
    SubjectStaff,
    Tags,
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Free text or a name from a list.
    Text,
    /// An identifier that may be all digits (organisation code, external id):
    /// numbers are written out as integers, and numbers Excel has rounded
    /// (16 digits or more) are refused.
    Code,
    /// Digits only (phone, ID, card): like [`ValueKind::Code`], and a
    /// fractional number is refused.
    Digits,
    /// The date (and optional time) received.
    Date,
    /// Yuan with at most two decimals.
    Amount,
    /// Several values separated by `、` `,` `，` `;` `；` or line breaks.
    List,
}

/// One column of the import contract.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub field: Field,
    /// English contract name (`complainant.phone` for nested fields).
    pub name: &'static str,
    /// Chinese header used in the template and exports.
    pub header: &'static str,
    /// Other accepted titles.
    pub aliases: &'static [&'static str],
    pub required: bool,
    pub kind: ValueKind,
    /// Filling instructions shown in the template (Chinese).
    pub note: &'static str,
    /// Column width in the template, in Excel character units.
    pub width: f64,
}

impl Column {
    /// Whether cells must be stored as text in Excel to keep them intact.
    pub fn is_text_formatted(&self) -> bool {
        matches!(
            self.kind,
            ValueKind::Digits | ValueKind::Code | ValueKind::Amount
        )
    }
}

use Field as F;
use ValueKind as K;

/// Every column, in template order.
pub const COLUMNS: [Column; 21] = [
    Column {
        field: F::ReceivedAt,
        name: "received_at",
        header: "收到日期",
        aliases: &["投诉日期", "受理日期", "收到时间", "投诉时间", "接收日期"],
        required: true,
        kind: K::Date,
        note: "银行收到投诉的日期，如 2026-11-02；可带时间 2026-11-02 14:30。监管转办件填转办到达日期",
        width: 12.0,
    },
    Column {
        field: F::Channel,
        name: "channel",
        header: "投诉渠道",
        aliases: &["渠道", "投诉业务办理渠道", "业务办理渠道"],
        required: true,
        kind: K::Text,
        note: "投诉所涉业务的办理渠道（JR/T 0169-2018），从下拉列表选择",
        width: 14.0,
    },
    Column {
        field: F::BusinessCategory,
        name: "business_category",
        header: "业务类别",
        aliases: &["投诉业务类别", "业务类型"],
        required: true,
        kind: K::Text,
        note: "投诉业务类别（JR/T 0169-2018），从下拉列表选择",
        width: 14.0,
    },
    Column {
        field: F::BusinessSubcategory,
        name: "business_subcategory",
        header: "业务子类",
        aliases: &["投诉业务子类", "业务小类"],
        required: false,
        kind: K::Text,
        note: "业务类别下的子类，须属于所填业务类别",
        width: 14.0,
    },
    Column {
        field: F::Reason,
        name: "reason",
        header: "投诉原因",
        aliases: &["原因"],
        required: true,
        kind: K::Text,
        note: "投诉原因（JR/T 0169-2018），从下拉列表选择",
        width: 14.0,
    },
    Column {
        field: F::Content,
        name: "content",
        header: "投诉内容",
        aliases: &["内容", "投诉事项", "投诉详情"],
        required: true,
        kind: K::Text,
        note: "投诉人反映的问题与诉求经过，最多 20000 字",
        width: 50.0,
    },
    Column {
        field: F::Title,
        name: "title",
        header: "标题",
        aliases: &["投诉标题"],
        required: false,
        kind: K::Text,
        note: "不填则取投诉内容第一句，最多 200 字",
        width: 24.0,
    },
    Column {
        field: F::Source,
        name: "source",
        header: "投诉来源",
        aliases: &["来源"],
        required: false,
        kind: K::Text,
        note: "不填为“自有渠道”；监管转办件请选择对应来源",
        width: 14.0,
    },
    Column {
        field: F::Org,
        name: "org",
        header: "责任机构",
        aliases: &["机构", "被投诉机构", "机构代码", "所属机构"],
        required: false,
        kind: K::Code,
        note: "责任机构编码；不填则按分派规则自动分派",
        width: 12.0,
    },
    Column {
        field: F::ExternalId,
        name: "external_id",
        header: "外部编号",
        aliases: &["工单号", "投诉编号", "原系统编号"],
        required: false,
        kind: K::Code,
        note: "投诉在其他系统中的编号；同一编号重复导入不会重复建单",
        width: 18.0,
    },
    Column {
        field: F::ComplainantName,
        name: "complainant.name",
        header: "投诉人姓名",
        aliases: &["投诉人", "姓名", "客户姓名"],
        required: false,
        kind: K::Text,
        note: "个人信息，系统加密保存",
        width: 12.0,
    },
    Column {
        field: F::ComplainantPhone,
        name: "complainant.phone",
        header: "联系电话",
        aliases: &["电话", "手机号", "手机号码", "联系方式"],
        required: false,
        kind: K::Digits,
        note: "本列为文本格式，请勿改为数值，以免丢失开头的 0",
        width: 15.0,
    },
    Column {
        field: F::ComplainantIdNumber,
        name: "complainant.id_number",
        header: "证件号码",
        aliases: &["身份证号", "身份证号码", "证件号"],
        required: false,
        kind: K::Digits,
        note: "本列为文本格式；18 位身份证号若为数值格式，Excel 会把末三位变成 0",
        width: 22.0,
    },
    Column {
        field: F::ComplainantCardNumber,
        name: "complainant.card_number",
        header: "卡号/账号",
        aliases: &["卡号", "账号", "银行卡号", "账户"],
        required: false,
        kind: K::Digits,
        note: "本列为文本格式；16 位以上的卡号若为数值格式会被 Excel 截断",
        width: 22.0,
    },
    Column {
        field: F::ComplainantRole,
        name: "complainant.role",
        header: "投诉人身份",
        aliases: &[],
        required: false,
        kind: K::Text,
        note: "不填为“本人”",
        width: 12.0,
    },
    Column {
        field: F::Demands,
        name: "demands",
        header: "投诉诉求",
        aliases: &["诉求"],
        required: false,
        kind: K::List,
        note: "可填多个，用顿号“、”或逗号分隔",
        width: 18.0,
    },
    Column {
        field: F::VulnerableFlags,
        name: "vulnerable_flags",
        header: "特殊群体",
        aliases: &["特殊群体标识"],
        required: false,
        kind: K::List,
        note: "老年人、残障人士等，可填多个，用顿号“、”分隔",
        width: 14.0,
    },
    Column {
        field: F::Product,
        name: "product",
        header: "产品名称",
        aliases: &["产品", "涉及产品"],
        required: false,
        kind: K::Text,
        note: "",
        width: 18.0,
    },
    Column {
        field: F::Amount,
        name: "amount",
        header: "争议金额(元)",
        aliases: &["争议金额", "涉及金额", "金额", "金额(元)"],
        required: false,
        kind: K::Amount,
        note: "单位为元，最多两位小数，如 1280.50",
        width: 14.0,
    },
    Column {
        field: F::SubjectStaff,
        name: "subject_staff",
        header: "被投诉员工",
        aliases: &["被投诉人", "涉及员工"],
        required: false,
        kind: K::List,
        note: "员工用户名或工号，可填多个，用顿号“、”分隔",
        width: 14.0,
    },
    Column {
        field: F::Tags,
        name: "tags",
        header: "标签",
        aliases: &[],
        required: false,
        kind: K::List,
        note: "可填多个，用顿号“、”分隔",
        width: 14.0,
    },
];

/// The column of a field.
pub fn column(field: Field) -> &'static Column {
    // COLUMNS is declared in `Field` order; the test below keeps it so.
    &COLUMNS[field as usize]
}

/// Normalises a header for matching: full-width characters to half-width,
/// whitespace and required-markers (`*`) removed, a trailing `(必填)` /
/// `(选填)` dropped, ASCII lower-cased.
pub fn normalize_header(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{FEFF}')
        .collect::<String>()
        .to_lowercase();
    for suffix in ["(必填)", "(选填)"] {
        if let Some(stripped) = out.strip_suffix(suffix) {
            out = stripped.to_string();
        }
    }
    out
}

/// Finds the column a header (English name, Chinese header or alias) names.
pub fn find_column(header: &str) -> Option<&'static Column> {
    static TITLES: OnceLock<HashMap<String, &'static Column>> = OnceLock::new();
    let titles = TITLES.get_or_init(|| {
        let mut map = HashMap::new();
        for c in &COLUMNS {
            for title in [c.name, c.header].iter().chain(c.aliases) {
                map.insert(normalize_header(title), c);
            }
        }
        map
    });
    titles.get(&normalize_header(header)).copied()
}

/// Splits a list cell on `、` `,` `，` `;` `；` and line breaks, dropping
/// empty items.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ';', '；', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Stores a converted value into the input.
pub(crate) fn set_field(input: &mut ComplaintInput, field: Field, value: String) {
    fn person(input: &mut ComplaintInput) -> &mut ComplainantInput {
        input
            .complainant
            .get_or_insert_with(ComplainantInput::default)
    }
    match field {
        F::ReceivedAt => input.received_at = value,
        F::Channel => input.channel = value,
        F::BusinessCategory => input.business_category = value,
        F::BusinessSubcategory => input.business_subcategory = Some(value),
        F::Reason => input.reason = value,
        F::Content => input.content = value,
        F::Title => input.title = Some(value),
        F::Source => input.source = Some(value),
        F::Org => input.org = Some(value),
        F::ExternalId => input.external_id = Some(value),
        F::ComplainantName => person(input).name = Some(value),
        F::ComplainantPhone => person(input).phone = Some(value),
        F::ComplainantIdNumber => person(input).id_number = Some(value),
        F::ComplainantCardNumber => person(input).card_number = Some(value),
        F::ComplainantRole => person(input).role = Some(value),
        F::Demands => input.demands = split_list(&value),
        F::VulnerableFlags => input.vulnerable_flags = split_list(&value),
        F::Product => input.product = Some(value),
        F::Amount => input.amount = Some(value),
        F::SubjectStaff => input.subject_staff = split_list(&value),
        F::Tags => input.tags = split_list(&value),
    }
}

/// Stores the items of a list field as given (JSON arrays), without
/// splitting them again. Non-list fields take the items joined by `、`.
pub(crate) fn set_list(input: &mut ComplaintInput, field: Field, values: Vec<String>) {
    match field {
        F::Demands => input.demands = values,
        F::VulnerableFlags => input.vulnerable_flags = values,
        F::SubjectStaff => input.subject_staff = values,
        F::Tags => input.tags = values,
        other => set_field(input, other, values.join("、")),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn columns_are_in_field_order() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.field as usize, i, "{}", c.name);
            assert_eq!(column(c.field).name, c.name);
        }
    }

    #[test]
    fn no_title_names_two_columns() {
        let mut seen = HashSet::new();
        for c in &COLUMNS {
            for t in [c.name, c.header].iter().chain(c.aliases) {
                assert!(seen.insert(normalize_header(t)), "{t} is ambiguous");
            }
        }
    }

    #[test]
    fn required_columns_are_the_non_optional_fields() {
        let req: Vec<_> = COLUMNS
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        assert_eq!(
            req,
            [
                "received_at",
                "channel",
                "business_category",
                "reason",
                "content"
            ]
        );
    }

    #[test]
    fn headers_match_loosely() {
        assert_eq!(find_column("收到日期").unwrap().field, F::ReceivedAt);
        assert_eq!(find_column(" 收到 日期 ").unwrap().field, F::ReceivedAt);
        assert_eq!(find_column("*收到日期").unwrap().field, F::ReceivedAt);
        assert_eq!(
            find_column("收到日期（必填）").unwrap().field,
            F::ReceivedAt
        );
        assert_eq!(find_column("争议金额（元）").unwrap().field, F::Amount);
        assert_eq!(
            find_column("卡号／账号").unwrap().field,
            F::ComplainantCardNumber
        );
        assert_eq!(find_column("Received_At").unwrap().field, F::ReceivedAt);
        assert_eq!(
            find_column("ｃｏｍｐｌａｉｎａｎｔ．ｐｈｏｎｅ")
                .unwrap()
                .field,
            F::ComplainantPhone
        );
        assert_eq!(
            find_column("complainant.phone").unwrap().field,
            F::ComplainantPhone
        );
        assert!(find_column("备注").is_none());
        assert!(find_column("").is_none());
        assert!(find_column("phone").is_none());
    }

    #[test]
    fn lists_split_on_every_separator() {
        assert_eq!(
            split_list("退还费用、赔偿，道歉;解释；其他,\n书面答复 "),
            ["退还费用", "赔偿", "道歉", "解释", "其他", "书面答复"]
        );
        assert!(split_list(" 、 ").is_empty());
    }
}
