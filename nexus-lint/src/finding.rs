//! Findings: what a rule reports, located in the spec.

use nexus_spec::ir::{Gateway, Platform, Workload};
use nexus_spec::{Diagnostic, Label, Severity, Span};

use crate::date::Date;
use crate::rule::Rule;

/// What a finding is about: the key waivers match on, and the span to fall back to when the
/// offending value was filled in by nexus (a default has no text of its own to point at).
#[derive(Debug, Clone)]
pub struct Subject {
    /// A workload name, `gateway`, or `platform`.
    pub object: String,
    /// A container of the object other than its main one (`migrations`, `preview`, `nginx`).
    pub container: Option<String>,
    /// Where the object is written.
    pub span: Span,
}

impl Subject {
    /// A workload's main container.
    pub fn workload(w: &Workload) -> Subject {
        Subject {
            object: w.name.value.clone(),
            container: None,
            span: first_attached(&[w.name.span, w.span]),
        }
    }

    /// Another container of a workload.
    pub fn container(w: &Workload, container: &str) -> Subject {
        Subject {
            container: Some(container.to_owned()),
            ..Subject::workload(w)
        }
    }

    /// The gateway.
    pub fn gateway(g: &Gateway) -> Subject {
        Subject {
            object: "gateway".into(),
            container: None,
            span: g.span,
        }
    }

    /// The platform as a whole.
    pub fn platform(p: &Platform) -> Subject {
        Subject {
            object: "platform".into(),
            container: None,
            span: first_attached(&[p.span, p.name.span]),
        }
    }
}

fn first_attached(spans: &[Span]) -> Span {
    spans
        .iter()
        .copied()
        .find(|s| !s.is_detached())
        .unwrap_or(Span::DETACHED)
}

/// The waiver that accepted a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedWaiver {
    /// Why the finding is accepted.
    pub reason: String,
    /// When the waiver stops applying.
    pub expires: Option<Date>,
    /// Where the waiver is written.
    pub span: Span,
}

/// One finding of one rule.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that fired.
    pub rule: &'static Rule,
    /// Severity after the policy's overrides.
    pub severity: Severity,
    /// One sentence: what is wrong, naming the object.
    pub message: String,
    /// Short text drawn at the primary location.
    pub label: String,
    /// The object (a workload name, `gateway`, `platform`, or `waivers`).
    pub object: String,
    /// The container, when the finding is about one other than the main container.
    pub container: Option<String>,
    /// Primary location: the value that causes the finding, or the object when nexus
    /// filled the value in.
    pub span: Span,
    /// Further locations (the other end of an edge, the policy's bound...).
    pub related: Vec<Label>,
    /// How to fix this occurrence, when it says more than the rule's fix.
    pub help: Option<String>,
    /// The environments the finding occurs in, sorted.
    pub environments: Vec<String>,
    /// The waiver that accepts it, if any.
    pub waiver: Option<AppliedWaiver>,
}

impl Finding {
    /// The help line: this finding's own, or the rule's fix.
    pub fn help(&self) -> &str {
        self.help.as_deref().unwrap_or(self.rule.fix)
    }

    /// Whether a waiver accepts the finding.
    pub fn is_waived(&self) -> bool {
        self.waiver.is_some()
    }

    /// Sets the label drawn at the primary location.
    pub fn label(&mut self, text: impl Into<String>) -> &mut Self {
        self.label = text.into();
        self
    }

    /// Adds a further location (ignored when detached).
    pub fn related(&mut self, span: Span, text: impl Into<String>) -> &mut Self {
        if !span.is_detached() {
            self.related.push(Label {
                span,
                text: text.into(),
            });
        }
        self
    }

    /// Sets this finding's own help line.
    pub fn help_text(&mut self, text: impl Into<String>) -> &mut Self {
        self.help = Some(text.into());
        self
    }

    /// The finding as a diagnostic (code = rule id), for miette rendering. Waived findings
    /// say so in the message and are rendered as advice.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let (message, severity) = match &self.waiver {
            Some(w) => (
                format!("{} [waived: {}]", self.message, w.reason),
                Severity::Info,
            ),
            None => (self.message.clone(), self.severity),
        };
        let mut d = Diagnostic::error(self.rule.id, message)
            .with_severity(severity)
            .with_label(self.span, self.label.clone())
            .with_help(self.help().to_owned());
        // miette draws labels of one file best in source order.
        let mut related: Vec<&Label> = self.related.iter().collect();
        related.sort_by_key(|l| (l.span.file, l.span.offset));
        for l in related {
            d = d.with_label(l.span, l.text.clone());
        }
        d
    }

    /// Sort key: file, offset, rule, object, message.
    pub(crate) fn sort_key(&self) -> (u32, usize, &str, &str, &str, &str) {
        (
            self.span.file.0,
            self.span.start(),
            self.rule.id,
            &self.object,
            self.container.as_deref().unwrap_or(""),
            &self.message,
        )
    }
}

/// Collects the findings of one rule over one environment.
#[derive(Debug)]
pub struct Findings {
    rule: &'static Rule,
    severity: Severity,
    environment: String,
    list: Vec<Finding>,
}

impl Findings {
    /// An empty collector for `rule` at `severity` in `environment`.
    pub fn new(rule: &'static Rule, severity: Severity, environment: &str) -> Findings {
        Findings {
            rule,
            severity,
            environment: environment.to_owned(),
            list: Vec::new(),
        }
    }

    /// Records a finding about `target` at `span` (the target's own span when `span` is
    /// detached) and returns it for labels and help.
    pub fn add(
        &mut self,
        target: &Subject,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        let span = if span.is_detached() {
            target.span
        } else {
            span
        };
        self.list.push(Finding {
            rule: self.rule,
            severity: self.severity,
            message: message.into(),
            label: String::new(),
            object: target.object.clone(),
            container: target.container.clone(),
            span,
            related: Vec::new(),
            help: None,
            environments: vec![self.environment.clone()],
            waiver: None,
        });
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    /// The findings recorded so far.
    pub fn as_slice(&self) -> &[Finding] {
        &self.list
    }

    /// The findings.
    pub fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}
