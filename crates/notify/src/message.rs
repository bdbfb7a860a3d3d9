//! The notification built from an alert, and its renderings.
//!
//! A notification says what happened and where to look, nothing more: the
//! rule, the organisation's name, the day, counts, terms and a link into the
//! alert centre. Complaint texts, names, phone or card numbers are never part
//! of it — they stay behind the link, where access is checked and audited.
//! Every string still goes through the PII masker before it is rendered, as
//! a last guard against personal data that slipped into a title or a term.

use serde::Serialize;
use serde_json::{Value, json};
use xiaobao_alerts::{AlertCandidate, Severity};
use xiaobao_text::pii;

/// The content of one alert notification, free of personal data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    /// Contract name of the rule (`volume_spike`, …).
    pub rule: String,
    /// Chinese name of the rule.
    pub rule_label: String,
    /// Severity.
    pub severity: Severity,
    /// One-line title.
    pub title: String,
    /// Display name of the owner organisation (`全行` when none).
    pub org: String,
    /// Day of the alert, `YYYY-MM-DD`.
    pub date: String,
    /// Labelled figures (`投诉件数` → `22`), in display order.
    pub facts: Vec<(String, String)>,
    /// Terms involved.
    pub terms: Vec<String>,
    /// Link to the alert in the alert centre.
    pub link: Option<String>,
}

impl Notification {
    /// The notification for `alert`. `org_name` is the display name of the
    /// owner organisation (the server knows it; the alert has the code), and
    /// `link` the address of the alert in the alert centre.
    pub fn from_alert(alert: &AlertCandidate, org_name: Option<&str>, link: Option<&str>) -> Self {
        let ev = &alert.evidence;
        let mut facts: Vec<(String, String)> =
            vec![("涉及投诉".into(), format!("{} 件", ev.count))];
        if let Some(e) = ev.expected {
            facts.push(("基线预期".into(), format!("{e:.1} 件")));
        }
        if let (Some(n), Some(from), Some(to)) =
            (ev.baseline_count, ev.baseline_from, ev.baseline_to)
        {
            facts.push(("基期".into(), format!("{from} 至 {to}，{n} 件")));
        }
        if let Some(r) = ev.ratio {
            facts.push(("倍数".into(), format!("{r:.1}")));
        }
        if let Some(p) = ev.p_value {
            facts.push(("显著性 p 值".into(), format!("{p:.1e}")));
        }
        if !ev.tags.is_empty() {
            facts.push(("识别到".into(), ev.tags.join("、")));
        }
        if !ev.breakdown.is_empty() {
            let parts: Vec<String> = ev
                .breakdown
                .iter()
                .take(5)
                .map(|b| format!("{} {}", b.label, b.count))
                .collect();
            facts.push(("分布".into(), parts.join("、")));
        }
        if let Some(due) = ev.due_date {
            facts.push(("办理期限".into(), due.to_string()));
        }
        if let Some(left) = ev.days_left {
            let v = if left < 0 {
                format!("已超期 {} 天", -left)
            } else {
                format!("剩余 {left} 天")
            };
            facts.push(("期限状态".into(), v));
        }
        let org = org_name
            .map(str::to_string)
            .or_else(|| alert.org.clone())
            .unwrap_or_else(|| "全行".to_string());
        Notification {
            rule: alert.rule.as_str().to_string(),
            rule_label: alert.rule.label_zh().to_string(),
            severity: alert.severity,
            title: alert.title.clone(),
            org,
            date: alert.date.to_string(),
            facts,
            terms: ev.terms.clone(),
            link: link.map(str::to_string),
        }
    }

    /// A copy with every string masked (the last guard before sending).
    pub fn masked(&self) -> Notification {
        let m = |s: &str| pii::mask_text(s);
        Notification {
            rule: m(&self.rule),
            rule_label: m(&self.rule_label),
            severity: self.severity,
            title: m(&self.title),
            org: m(&self.org),
            date: m(&self.date),
            facts: self.facts.iter().map(|(k, v)| (m(k), m(v))).collect(),
            terms: self.terms.iter().map(|t| m(t)).collect(),
            link: self.link.as_deref().map(m),
        }
    }

    /// Markdown shared by the robot formats.
    fn markdown(&self, wecom_colours: bool) -> String {
        let n = self.masked();
        let severity = if wecom_colours {
            let colour = match n.severity {
                Severity::High => "warning",
                Severity::Medium => "comment",
                Severity::Low => "info",
            };
            format!("<font color=\"{colour}\">{}</font>", n.severity.label_zh())
        } else {
            n.severity.label_zh().to_string()
        };
        let mut s = format!("### 【{}预警】{}\n", n.severity.label_zh(), n.rule_label);
        s.push_str(&format!("> {}\n\n", n.title));
        s.push_str(&format!("- 级别：{severity}\n"));
        s.push_str(&format!("- 机构：{}\n", n.org));
        s.push_str(&format!("- 日期：{}\n", n.date));
        for (k, v) in &n.facts {
            s.push_str(&format!("- {k}：{v}\n"));
        }
        if !n.terms.is_empty() {
            s.push_str(&format!("- 关键词：{}\n", n.terms.join("、")));
        }
        if let Some(link) = &n.link {
            s.push_str(&format!("\n[在预警中心查看]({link})\n"));
        }
        s
    }

    /// 企业微信 group robot: `{"msgtype":"markdown","markdown":{"content":…}}`,
    /// content cut to the robot's 4096-byte limit.
    pub fn wecom(&self) -> Value {
        json!({
            "msgtype": "markdown",
            "markdown": { "content": truncate_bytes(&self.markdown(true), 4096) }
        })
    }

    /// 钉钉 custom robot: `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`.
    pub fn dingtalk(&self) -> Value {
        let n = self.masked();
        json!({
            "msgtype": "markdown",
            "markdown": {
                "title": format!("【{}预警】{}", n.severity.label_zh(), n.rule_label),
                "text": truncate_bytes(&self.markdown(false), 18_000),
            }
        })
    }

    /// The generic JSON form for a bank's own systems.
    pub fn generic(&self) -> Value {
        let n = self.masked();
        json!({
            "type": "xiaobao.alert",
            "rule": n.rule,
            "rule_label": n.rule_label,
            "severity": n.severity.as_str(),
            "severity_label": n.severity.label_zh(),
            "title": n.title,
            "org": n.org,
            "date": n.date,
            "facts": n.facts.iter().map(|(k, v)| json!({"label": k, "value": v})).collect::<Vec<_>>(),
            "terms": n.terms,
            "link": n.link,
        })
    }

    /// E-mail subject.
    pub fn email_subject(&self) -> String {
        let n = self.masked();
        format!("【消保预警·{}】{}", n.severity.label_zh(), n.title)
    }

    /// E-mail body (plain text).
    pub fn email_body(&self) -> String {
        let n = self.masked();
        let mut s = format!("{}\n\n", n.title);
        s.push_str(&format!("预警规则：{}\n", n.rule_label));
        s.push_str(&format!("级别：{}\n", n.severity.label_zh()));
        s.push_str(&format!("机构：{}\n", n.org));
        s.push_str(&format!("日期：{}\n", n.date));
        for (k, v) in &n.facts {
            s.push_str(&format!("{k}：{v}\n"));
        }
        if !n.terms.is_empty() {
            s.push_str(&format!("关键词：{}\n", n.terms.join("、")));
        }
        if let Some(link) = &n.link {
            s.push_str(&format!("\n在预警中心查看：{link}\n"));
        }
        s.push_str("\n本邮件由消保系统自动发送，不含客户个人信息；详情请登录系统查看。\n");
        s
    }
}

/// `s` cut to at most `max` bytes at a character boundary.
fn truncate_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use xiaobao_alerts::{AlertScope, Evidence, RuleKind};

    pub(crate) fn alert() -> AlertCandidate {
        let scope = AlertScope {
            org: Some("HZ01".into()),
            ..AlertScope::default()
        };
        AlertCandidate {
            rule: RuleKind::VolumeSpike,
            org: Some("HZ01".into()),
            date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            severity: Severity::High,
            dedup_key: scope.key(RuleKind::VolumeSpike),
            scope,
            // A title that (wrongly) carries a phone number: the masker must catch it.
            title: "HZ01投诉量异常上升：收到 22 件，来电 13812345678".into(),
            recipients: vec!["消保部群".into()],
            evidence: Evidence {
                count: 22,
                expected: Some(3.9),
                ratio: Some(5.6),
                p_value: Some(1.2e-9),
                terms: vec!["人脸识别".into()],
                ..Evidence::default()
            },
        }
    }

    #[test]
    fn renderings_have_the_robot_shapes_and_no_personal_data() {
        let n = Notification::from_alert(
            &alert(),
            Some("杭州西湖支行"),
            Some("https://xb.example/alerts/1"),
        );
        let wecom = n.wecom();
        assert_eq!(wecom["msgtype"], "markdown");
        let content = wecom["markdown"]["content"].as_str().unwrap_or_default();
        assert!(content.contains("杭州西湖支行") && content.contains("22 件"));
        assert!(content.contains("<font color=\"warning\">高</font>"));
        let ding = n.dingtalk();
        assert_eq!(ding["msgtype"], "markdown");
        assert!(
            ding["markdown"]["title"]
                .as_str()
                .is_some_and(|t| t.contains("投诉量异常上升"))
        );
        assert!(
            ding["markdown"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("人脸识别"))
        );
        let generic = n.generic();
        assert_eq!(generic["rule"], "volume_spike");
        assert_eq!(generic["severity"], "high");
        for rendered in [
            wecom.to_string(),
            ding.to_string(),
            generic.to_string(),
            n.email_subject(),
            n.email_body(),
        ] {
            assert!(!rendered.contains("13812345678"), "{rendered}");
            assert!(rendered.contains("138****5678"), "{rendered}");
        }
    }

    #[test]
    fn wecom_content_respects_the_limit() {
        let mut a = alert();
        a.title = "很长的标题".repeat(600);
        let n = Notification::from_alert(&a, None, None);
        let content = n.wecom()["markdown"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(content.len() <= 4096 && !content.is_empty());
        assert_eq!(n.org, "HZ01");
    }
}
