//! The report's vocabulary: a change, its kind and semver class, notes, problems.

use serde_json::Value;

/// What a change means for code that uses the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Semver {
    /// Code that compiled may not compile any more, or means something else.
    Major,
    /// New API; existing code keeps compiling (it may see a deprecation warning).
    Minor,
    /// Documentation only.
    Patch,
}

impl Semver {
    /// `major`, `minor`, `patch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::Major => "major",
            Semver::Minor => "minor",
            Semver::Patch => "patch",
        }
    }
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// An action, data type, member or example appeared.
    Added,
    /// An action, data type or member disappeared.
    Removed,
    /// A member's type (`String`, `Array of X`, a data type) changed.
    Type,
    /// An integer member's width or signedness changed.
    Width,
    /// A member became required or optional.
    Required,
    /// The order of a request's required members, that is of `new(..)`'s arguments, changed.
    RequiredOrder,
    /// The spec's "always returned" flag changed.
    AlwaysReturned,
    /// "May be null" changed.
    Nullability,
    /// "Will be disused soon" changed.
    Deprecated,
    /// A documented value of a string member appeared or disappeared.
    EnumValue,
    /// The enum a member's values make changed its name, or its documented default.
    Enum,
    /// An error code appeared or disappeared.
    ErrorCode,
    /// A description, title, unit or other text changed.
    Description,
    /// A documented rate limit changed.
    RateLimit,
    /// The documented examples changed.
    Example,
}

impl ChangeKind {
    /// The word the report uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Type => "type",
            ChangeKind::Width => "width",
            ChangeKind::Required => "required",
            ChangeKind::RequiredOrder => "required order",
            ChangeKind::AlwaysReturned => "always returned",
            ChangeKind::Nullability => "nullability",
            ChangeKind::Deprecated => "deprecated",
            ChangeKind::EnumValue => "enum value",
            ChangeKind::Enum => "enum",
            ChangeKind::ErrorCode => "error code",
            ChangeKind::Description => "description",
            ChangeKind::RateLimit => "rate limit",
            ChangeKind::Example => "example",
        }
    }
}

/// One change between two schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Where: `DescribeBackupUrl`, `DescribeBackupUrl/output/BackupInfos`,
    /// `BackupDownloadInfo/members/FileSize`, `DescribeBackupUrl/input/LimitType/values/NoLimit`,
    /// `DescribeBackupUrl/errors/InternalError.InternalError`.
    pub path: String,
    /// What changed.
    pub kind: ChangeKind,
    /// What it means for users of the crate.
    pub semver: Semver,
    /// The value before (`null` when added).
    pub before: Value,
    /// The value after (`null` when removed).
    pub after: Value,
    /// In words, why it has that class.
    pub meaning: String,
}

/// Something a reader of the report should know that changes nothing: how the vendor spec
/// differs from an item a doc page owns, a value kept because another member documents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where.
    pub path: String,
    /// What.
    pub message: String,
}

/// Vendor data that could not be used as it is, with the decision that would settle it. It
/// never blocks following the API; `--check` fails while one is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. `DescribeHosts/examples/0`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What to record so that it is settled.
    pub fix: String,
}

/// Everything a run found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// What was followed: `tccli-intl-en 3.1.193.1`, `api.json`, a doc page.
    pub source: String,
    /// The changes, in schema order.
    pub changes: Vec<Change>,
    /// Facts for the reader that changed nothing.
    pub notes: Vec<Note>,
    /// Vendor data that needs a decision.
    pub problems: Vec<Problem>,
}

impl Report {
    /// The highest class among the changes, if any changed.
    pub fn semver(&self) -> Option<Semver> {
        self.changes.iter().map(|c| c.semver).min()
    }

    /// How many changes have `class`.
    pub fn count(&self, class: Semver) -> usize {
        self.changes.iter().filter(|c| c.semver == class).count()
    }

    /// Whether the run is settled: nothing would change and no problem is open.
    pub fn is_settled(&self) -> bool {
        self.changes.is_empty() && self.problems.is_empty()
    }
}
