//! What is wrong with a value, as a code with parameters rather than an
//! English sentence: the web layer translates each code (`error-…` keys in
//! four languages) and fills its parameters; the JSON API shows the English
//! sentence (`Display`). See `docs/adr/0021-form-errors.md`.

use std::fmt;

/// A parameter of a problem, formatted by the language that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemArg {
    Number(i64),
    /// Text typed by the person or a code (shown isolated left to right).
    Text(String),
    /// Choices named by their locale keys: the language shows each in its
    /// own words, never the code.
    Words(Vec<&'static str>),
}

/// A value offered by a short list (radio buttons, API query values): its
/// code, which the API sends, and the locale key of its words, which a page
/// shows (`Problem::OneOf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Accept,
    Decline,
    InProgress,
    Closed,
    Done,
    Skip,
    Sought,
    Registered,
    All,
    Relevance,
    Newest,
    Member,
    Coordinator,
    Remove,
    Requests,
    Registrations,
    English,
    French,
    Spanish,
    Arabic,
    Inbox,
    Outbox,
}

impl Choice {
    pub const ALL: [Choice; 22] = [
        Choice::Accept,
        Choice::Decline,
        Choice::InProgress,
        Choice::Closed,
        Choice::Done,
        Choice::Skip,
        Choice::Sought,
        Choice::Registered,
        Choice::All,
        Choice::Relevance,
        Choice::Newest,
        Choice::Member,
        Choice::Coordinator,
        Choice::Remove,
        Choice::Requests,
        Choice::Registrations,
        Choice::English,
        Choice::French,
        Choice::Spanish,
        Choice::Arabic,
        Choice::Inbox,
        Choice::Outbox,
    ];

    /// The value as the API sends it.
    pub fn code(self) -> &'static str {
        use Choice::*;
        match self {
            Accept => "accept",
            Decline => "decline",
            InProgress => "in_progress",
            Closed => "closed",
            Done => "done",
            Skip => "skip",
            Sought => "sought",
            Registered => "registered",
            All => "all",
            Relevance => "relevance",
            Newest => "newest",
            Member => "member",
            Coordinator => "coordinator",
            Remove => "remove",
            Requests => "requests",
            Registrations => "registrations",
            English => "en",
            French => "fr",
            Spanish => "es",
            Arabic => "ar",
            Inbox => "inbox",
            Outbox => "outbox",
        }
    }

    /// The locale key of its words.
    pub fn key(self) -> &'static str {
        use Choice::*;
        match self {
            English => "text-language-en",
            French => "text-language-fr",
            Spanish => "text-language-es",
            Arabic => "text-language-ar",
            Accept => "choice-accept",
            Decline => "choice-decline",
            InProgress => "choice-in-progress",
            Closed => "choice-closed",
            Done => "choice-done",
            Skip => "choice-skip",
            Sought => "choice-sought",
            Registered => "choice-registered",
            All => "choice-all",
            Relevance => "choice-relevance",
            Newest => "choice-newest",
            Member => "choice-member",
            Coordinator => "choice-coordinator",
            Remove => "choice-remove",
            Requests => "choice-requests",
            Registrations => "choice-registrations",
            Inbox => "choice-inbox",
            Outbox => "choice-outbox",
        }
    }
}

/// Why a JSON body or a query string could not be read, as a code: the
/// parser's own sentence is English, so only the names it quotes (a field,
/// a value typed) are kept, as parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unparsed {
    /// Not valid JSON at this place.
    Syntax {
        line: usize,
        column: usize,
    },
    /// The text ends before the value does.
    Truncated,
    /// Something follows the value.
    TrailingCharacters,
    MissingField {
        name: String,
    },
    UnknownField {
        name: String,
    },
    UnknownValue {
        value: String,
    },
    /// A value of another kind than expected (text for a number, …).
    WrongType,
    /// A value of the right kind that is not accepted.
    InvalidValue,
}

impl Unparsed {
    /// Reads a serde error message into its code, keeping only the name it
    /// quotes between backticks.
    pub fn of_message(message: &str) -> Unparsed {
        let quoted = |prefix: &str| {
            message
                .strip_prefix(prefix)
                .and_then(|rest| rest.split_once('`'))
                .map(|(name, _)| name.to_owned())
        };
        if let Some(name) = quoted("missing field `") {
            Unparsed::MissingField { name }
        } else if let Some(name) = quoted("unknown field `") {
            Unparsed::UnknownField { name }
        } else if let Some(value) = quoted("unknown variant `") {
            Unparsed::UnknownValue { value }
        } else if message.starts_with("invalid type") {
            Unparsed::WrongType
        } else if message.starts_with("EOF while parsing") {
            Unparsed::Truncated
        } else if message.starts_with("trailing characters") {
            Unparsed::TrailingCharacters
        } else {
            Unparsed::InvalidValue
        }
    }
}

impl fmt::Display for Unparsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unparsed::Syntax { line, column } => {
                write!(f, "not valid JSON at line {line}, column {column}")
            }
            Unparsed::Truncated => f.write_str("the text ends too early"),
            Unparsed::TrailingCharacters => f.write_str("something follows the value"),
            Unparsed::MissingField { name } => write!(f, "the field `{name}` is missing"),
            Unparsed::UnknownField { name } => write!(f, "`{name}` is not a known field"),
            Unparsed::UnknownValue { value } => write!(f, "`{value}` is not a known value"),
            Unparsed::WrongType => f.write_str("a value is of the wrong type"),
            Unparsed::InvalidValue => f.write_str("a value is not valid"),
        }
    }
}

/// Why a value was refused. Every variant is translated: there is no
/// free English text, so a new refusal needs a code (ADR 0021).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    Empty,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    ControlCharacters,
    ChooseOne,
    UnknownCode {
        value: String,
    },
    DateFormat,
    YearRange {
        min: i32,
        max: i32,
    },
    MonthRange,
    NoSuchDay {
        month: String,
        day: u32,
    },
    InFuture,
    AgeRange {
        max: u32,
    },
    AgeNotNumber,
    NameRequired,
    TooManyNames {
        max: usize,
    },
    NoLetters,
    CountryCode,
    CountryTwoLetters,
    LanguageCode {
        value: String,
    },
    LanguageCodes,
    Email,
    /// A public phone number: digits with `+`, spaces, dots, dashes or
    /// brackets.
    Phone,
    OrgKind,
    UnknownRole {
        value: String,
    },
    NoRole,
    GalleryReference,
    CaseReference,
    CaseNumberRange,
    Identifier,
    GuardianOnlyForMinor,
    MinorPublicationNeedsGuardian,
    SharingNeedsScope,
    ScopeOnlyForSharing,
    ClosureReasonRequired,
    TopicCode,
    ServicesRequired,
    StepRepeated,
    StepsRequired,
    TooManySteps {
        max: usize,
    },
    UtcOffset {
        value: String,
    },
    UtcOffsetRange,
    OpeningHours {
        part: String,
    },
    MaxAgeBelowMin,
    MaxAgeTooHigh {
        max: u32,
    },
    FileFormat,
    ScopesRequired,
    UnknownScope {
        value: String,
    },
    Confirm,
    /// A count typed by hand that is not a whole number from 0 to `max`.
    WholeNumberUpTo {
        max: i64,
    },
    /// A figure the platform computes from its own records, sent as if it
    /// were entered by hand (pledge indicators).
    ComputedFigure,
    /// A reporting year outside what may be entered or read.
    ReportingYear {
        min: i32,
        max: i32,
    },
    /// A report's years: the first after the last, or more than `max`.
    ReportSpan {
        max: i64,
    },
    OneOf {
        choices: Vec<Choice>,
    },
    Date,
    DateTime,
    Rfc3339Time,
    OutOfRange,
    WholeNumber,
    AtLeastOne,
    Negative,
    ListedTwice,
    Uuid,
    Base64,
    TooManyCountries {
        max: usize,
    },
    CountriesRequired,
    TooManyEntries {
        max: usize,
    },
    Unreadable {
        detail: Unparsed,
    },
    FormUnreadable,
    FormIncomplete,
    ContentType {
        expected: String,
    },
    ChooseFile,
    FileTooLarge {
        max: u32,
    },
    ChooseOrganisation,
    NoSuchOrganisation,
    ChooseReceivingOrganisation,
    NotYourPassword,
    CommonPassword,
    JointActionNeedsOwner,
    OnlyJointActionHasOwner,
    JointActionOwner,
    OwnerNotMember,
    FollowCode,
    PostReadOnly,
    PostCoordinatorsOnly,
    CoordinatorsRequired,
    NetworkNameTaken,
    CoordinatorsChangeMembers,
    KeepOneCoordinator,
    GcmObjective,
    CostAmount,
    CurrencyCode,
    PracticeLanguage,
    StagesRequired,
    SupportRequired,
    ObjectivesRequired,
    ChooseNetwork,
    SubmitReadOnly,
    ReviewReadOnly,
    ReviewNotInReview,
    ReviewOwnOrganisation,
    ReviewedByYou,
    ReviewedByYourOrganisation,
    ReviewsComplete,
    PublishNotYours,
    PublishNotInReview,
    PublishNeedsTwoApprovals,
    ModeratorsOnly,
    NotHeld,
    DurationMinutes,
    MembersRequired,
    GroupListedTwice,
    GroupsTotal {
        total: u32,
        reached: u32,
    },
    TooManyReferrals {
        referred: u32,
        reached: u32,
    },
    TooManyFollowUps,
    SessionId,
    NotATopic,
    FollowUpIdInUse,
    TooManySessions {
        max: usize,
    },
    LettersOrDigits,
    TopicExists,
    EndBeforeStart,
    ToolKey,
    ToolTitle,
    ToolFieldCount,
    ToolFieldKeyRepeated,
    ToolLabel,
    NotAToolField,
    TextTooLong,
    MustBeText,
    YesOrNo,
    ReferralOwnOrganisation,
    PersonAtRisk,
    ReferralNoConsent,
    StageNotCurrent,
    StageOtherSide,
    ReferralNotActive,
    RequiredStepsOpen,
    StepAlreadyTicked,
    SkipNeedsReason,
    ChoosePerson,
    DeclineNeedsReason,
    ReceiverDecides,
    ReceiverChangesStatus,
    PublicationAtRisk,
    NoPublicationConsent,
    SameApprover,
    TransferOwnOrganisation,
    TransferSameCountry,
    NothingShared,
    SoughtAtRisk,
    SoughtNotInRequest,
    EnquirerAtRisk,
    EnquirerNoSharingConsent,
    AlreadyTransferred,
    TransferDeclineReason,
    RetentionOutOfLimits {
        days: u32,
        min: u32,
        max: u32,
    },
    PhotoFormat,
    PhotoTooManyPixels {
        max: u32,
    },
    PhotoTooSmall {
        width: u32,
        height: u32,
    },
    PhotoUnreadable,
    WrongCode,
    EnrolmentExpired,
    TokenName,
    TokenDays {
        max: u32,
    },
    CandidateRejectReason,
    ExportReason {
        min: u32,
        max: u32,
    },
    RequestStatusChange {
        from: String,
        to: String,
    },
    MessageStatusChange {
        from: String,
        to: String,
    },
    SoughtRequired,
    NotAMember,
    NotActiveCaseworker,
    AccountDisabled,
    ConfirmErasure,
    KeyRotationUnfinished,
    NotImportField {
        kind: String,
    },
    ColumnRequired,
    ColumnMissing {
        column: String,
    },
    TextEncoding,
    AuthorRequired,
    PfifUtf8,
    ThemeWord,
    ContentMismatch {
        format: String,
    },
    RecordChanged,
    AlreadyInUse,
    ReferralChanged,
    BuiltinToolKey,
    ToolKeyTaken,
    TransferRevoked,
    TransferDecided,
    EntryChanged,
    ProfileRevised,
    OwnAdminRole,
    ReleaseAtRisk,
    NoSharingConsent,
    MessagesAfterConfirmation,
    CellFormula,
    TooManyCells {
        cells: u32,
        columns: u32,
    },
    FileEmpty,
    FileLargerThan {
        max: u32,
    },
    TooManyRows {
        max: u32,
    },
    SheetTooWide {
        max: u32,
    },
    SheetTooManyCells {
        max: u32,
    },
    NotUtf8 {
        offset: u64,
    },
    CsvLineUnreadable {
        line: u64,
    },
    XlsxUnreadable,
    NoHeaders,
    HeaderTwice {
        header: String,
    },
    PfifDtd,
    XmlMalformed,
    PfifRoot {
        element: String,
    },
    PfifNamespace {
        element: String,
        namespace: String,
    },
    PfifNotRecord {
        element: String,
    },
    PfifPersonIdMissing,
    PfifNoteIdMissing,
    PfifRecordId {
        id: String,
    },
    PfifNoName,
    PfifSourceDate {
        value: String,
    },
    PfifEntryDate {
        value: String,
    },
    PfifBirthDate {
        value: String,
    },
    PfifAge {
        value: String,
    },
    PfifSex {
        value: String,
    },
    PfifNoteOtherPerson {
        own: String,
        parent: String,
    },
    PfifMadeContact {
        value: String,
    },
    PfifNoteStatus {
        status: String,
    },
    PfifOrphanNote,
    PfifOtherDomain {
        found: String,
        domain: String,
    },
    PfifNoteOtherDomain {
        domain: String,
    },
    LineNumbers,
}

impl Problem {
    /// The translation key: `error-` and the variant in kebab case
    /// (`TooLong` → `error-too-long`), or the key of an existing message
    /// that says the same.
    pub fn key(&self) -> &'static str {
        use Problem::*;
        match self {
            Required => "error-required",
            Empty => "error-empty",
            TooLong { .. } => "error-too-long",
            TooShort { .. } => "error-too-short",
            ControlCharacters => "error-control-characters",
            ChooseOne => "error-choose-one",
            UnknownCode { .. } => "error-unknown-code",
            DateFormat => "error-date-format",
            YearRange { .. } => "error-year-range",
            MonthRange => "error-month-range",
            NoSuchDay { .. } => "error-no-such-day",
            InFuture => "error-in-future",
            AgeRange { .. } => "error-age-range",
            AgeNotNumber => "error-age-not-number",
            NameRequired => "error-name-required",
            TooManyNames { .. } => "error-too-many-names",
            NoLetters => "error-no-letters",
            CountryCode => "error-country-code",
            CountryTwoLetters => "error-country-two-letters",
            LanguageCode { .. } => "error-language-code",
            LanguageCodes => "error-language-codes",
            Email => "error-email",
            Phone => "poster-error-phone",
            OrgKind => "error-org-kind",
            UnknownRole { .. } => "error-unknown-role",
            NoRole => "error-no-role",
            GalleryReference => "error-gallery-reference",
            CaseReference => "error-case-reference",
            CaseNumberRange => "error-case-number-range",
            Identifier => "error-identifier",
            GuardianOnlyForMinor => "error-guardian-only-for-minor",
            MinorPublicationNeedsGuardian => "error-minor-publication-needs-guardian",
            SharingNeedsScope => "error-sharing-needs-scope",
            ScopeOnlyForSharing => "error-scope-only-for-sharing",
            ClosureReasonRequired => "error-closure-reason-required",
            TopicCode => "error-topic-code",
            ServicesRequired => "error-services-required",
            StepRepeated => "error-step-repeated",
            StepsRequired => "error-steps-required",
            TooManySteps { .. } => "error-too-many-steps",
            UtcOffset { .. } => "error-utc-offset",
            UtcOffsetRange => "error-utc-offset-range",
            OpeningHours { .. } => "error-opening-hours",
            MaxAgeBelowMin => "error-max-age-below-min",
            MaxAgeTooHigh { .. } => "error-max-age-too-high",
            FileFormat => "error-file-format",
            ScopesRequired => "error-scopes-required",
            UnknownScope { .. } => "error-unknown-scope",
            Confirm => "error-confirm",
            WholeNumberUpTo { .. } => "indicators-error-whole-number",
            ComputedFigure => "indicators-error-computed",
            ReportingYear { .. } => "indicators-error-year",
            ReportSpan { .. } => "indicators-error-span",
            OneOf { .. } => "error-one-of",
            Date => "error-date",
            DateTime => "error-date-time",
            Rfc3339Time => "error-rfc3339-time",
            OutOfRange => "error-out-of-range",
            WholeNumber => "error-whole-number",
            AtLeastOne => "error-at-least-one",
            Negative => "error-negative",
            ListedTwice => "error-listed-twice",
            Uuid => "error-uuid",
            Base64 => "error-base64",
            TooManyCountries { .. } => "error-too-many-countries",
            CountriesRequired => "error-countries-required",
            TooManyEntries { .. } => "error-too-many-entries",
            Unreadable { detail } => match detail {
                Unparsed::Syntax { .. } => "error-unreadable-syntax",
                Unparsed::Truncated => "error-unreadable-truncated",
                Unparsed::TrailingCharacters => "error-unreadable-trailing",
                Unparsed::MissingField { .. } => "error-unreadable-missing-field",
                Unparsed::UnknownField { .. } => "error-unreadable-unknown-field",
                Unparsed::UnknownValue { .. } => "error-unreadable-unknown-value",
                Unparsed::WrongType => "error-unreadable-wrong-type",
                Unparsed::InvalidValue => "error-unreadable-invalid-value",
            },
            FormUnreadable => "error-form-unreadable",
            FormIncomplete => "error-form-incomplete",
            ContentType { .. } => "error-content-type",
            ChooseFile => "error-choose-file",
            FileTooLarge { .. } => "error-file-too-large",
            ChooseOrganisation => "error-choose-organisation",
            NoSuchOrganisation => "error-no-such-organisation",
            ChooseReceivingOrganisation => "error-choose-receiving-organisation",
            NotYourPassword => "error-not-your-password",
            CommonPassword => "error-common-password",
            JointActionNeedsOwner => "error-joint-action-needs-owner",
            OnlyJointActionHasOwner => "error-only-joint-action-has-owner",
            JointActionOwner => "error-joint-action-owner",
            OwnerNotMember => "error-owner-not-member",
            FollowCode => "error-follow-code",
            PostReadOnly => "error-post-read-only",
            PostCoordinatorsOnly => "error-post-coordinators-only",
            CoordinatorsRequired => "error-coordinators-required",
            NetworkNameTaken => "error-network-name-taken",
            CoordinatorsChangeMembers => "error-coordinators-change-members",
            KeepOneCoordinator => "error-keep-one-coordinator",
            GcmObjective => "error-gcm-objective",
            CostAmount => "error-cost-amount",
            CurrencyCode => "error-currency-code",
            PracticeLanguage => "error-practice-language",
            StagesRequired => "error-stages-required",
            SupportRequired => "error-support-required",
            ObjectivesRequired => "error-objectives-required",
            ChooseNetwork => "error-choose-network",
            SubmitReadOnly => "error-submit-read-only",
            ReviewReadOnly => "practice-refused-read-only",
            ReviewNotInReview => "practice-refused-not-in-review",
            ReviewOwnOrganisation => "practice-refused-own-organisation",
            ReviewedByYou => "practice-refused-reviewed-by-you",
            ReviewedByYourOrganisation => "practice-refused-organisation-reviewed",
            ReviewsComplete => "practice-refused-complete",
            PublishNotYours => "practice-refused-not-yours",
            PublishNotInReview => "practice-refused-publish-not-in-review",
            PublishNeedsTwoApprovals => "practice-refused-two-approvals",
            ModeratorsOnly => "practice-refused-moderators-only",
            NotHeld => "practice-refused-not-held",
            DurationMinutes => "error-duration-minutes",
            MembersRequired => "error-members-required",
            GroupListedTwice => "error-group-listed-twice",
            GroupsTotal { .. } => "error-groups-total",
            TooManyReferrals { .. } => "error-too-many-referrals",
            TooManyFollowUps => "error-too-many-follow-ups",
            SessionId => "error-session-id",
            NotATopic => "error-not-a-topic",
            FollowUpIdInUse => "error-follow-up-id-in-use",
            TooManySessions { .. } => "error-too-many-sessions",
            LettersOrDigits => "error-letters-or-digits",
            TopicExists => "error-topic-exists",
            EndBeforeStart => "error-end-before-start",
            ToolKey => "error-tool-key",
            ToolTitle => "error-tool-title",
            ToolFieldCount => "error-tool-field-count",
            ToolFieldKeyRepeated => "error-tool-field-key-repeated",
            ToolLabel => "error-tool-label",
            NotAToolField => "error-not-a-tool-field",
            TextTooLong => "error-text-too-long",
            MustBeText => "error-must-be-text",
            YesOrNo => "error-yes-or-no",
            ReferralOwnOrganisation => "error-referral-own-organisation",
            PersonAtRisk => "error-person-at-risk",
            ReferralNoConsent => "error-referral-no-consent",
            StageNotCurrent => "error-stage-not-current",
            StageOtherSide => "error-stage-other-side",
            ReferralNotActive => "error-referral-not-active",
            RequiredStepsOpen => "error-required-steps-open",
            StepAlreadyTicked => "error-step-already-ticked",
            SkipNeedsReason => "error-skip-needs-reason",
            ChoosePerson => "error-choose-person",
            DeclineNeedsReason => "error-decline-needs-reason",
            ReceiverDecides => "error-receiver-decides",
            ReceiverChangesStatus => "error-receiver-changes-status",
            PublicationAtRisk => "error-publication-at-risk",
            NoPublicationConsent => "error-no-publication-consent",
            SameApprover => "error-same-approver",
            TransferOwnOrganisation => "error-transfer-own-organisation",
            TransferSameCountry => "error-transfer-same-country",
            NothingShared => "error-nothing-shared",
            SoughtAtRisk => "error-sought-at-risk",
            SoughtNotInRequest => "error-sought-not-in-request",
            EnquirerAtRisk => "error-enquirer-at-risk",
            EnquirerNoSharingConsent => "error-enquirer-no-sharing-consent",
            AlreadyTransferred => "error-already-transferred",
            TransferDeclineReason => "error-transfer-decline-reason",
            RetentionOutOfLimits { .. } => "error-retention-out-of-limits",
            PhotoFormat => "error-photo-format",
            PhotoTooManyPixels { .. } => "error-photo-too-many-pixels",
            PhotoTooSmall { .. } => "error-photo-too-small",
            PhotoUnreadable => "error-photo-unreadable",
            WrongCode => "error-wrong-code",
            EnrolmentExpired => "error-enrolment-expired",
            TokenName => "error-token-name",
            TokenDays { .. } => "error-token-days",
            CandidateRejectReason => "error-candidate-reject-reason",
            ExportReason { .. } => "error-export-reason",
            RequestStatusChange { .. } => "error-request-status-change",
            MessageStatusChange { .. } => "error-message-status-change",
            SoughtRequired => "error-sought-required",
            NotAMember => "error-not-a-member",
            NotActiveCaseworker => "error-not-active-caseworker",
            AccountDisabled => "error-account-disabled",
            ConfirmErasure => "error-confirm-erasure",
            KeyRotationUnfinished => "error-key-rotation-unfinished",
            NotImportField { .. } => "error-not-import-field",
            ColumnRequired => "error-column-required",
            ColumnMissing { .. } => "error-column-missing",
            TextEncoding => "error-text-encoding",
            AuthorRequired => "error-author-required",
            PfifUtf8 => "error-pfif-utf8",
            ThemeWord => "error-theme-word",
            ContentMismatch { .. } => "error-content-mismatch",
            RecordChanged => "error-record-changed",
            AlreadyInUse => "error-already-in-use",
            ReferralChanged => "error-referral-changed",
            BuiltinToolKey => "error-builtin-tool-key",
            ToolKeyTaken => "error-tool-key-taken",
            TransferRevoked => "error-transfer-revoked",
            TransferDecided => "error-transfer-decided",
            EntryChanged => "error-entry-changed",
            ProfileRevised => "error-profile-revised",
            OwnAdminRole => "error-own-admin-role",
            ReleaseAtRisk => "error-release-at-risk",
            NoSharingConsent => "error-no-sharing-consent",
            MessagesAfterConfirmation => "error-messages-after-confirmation",
            CellFormula => "error-cell-formula",
            TooManyCells { .. } => "error-too-many-cells",
            FileEmpty => "error-file-empty",
            FileLargerThan { .. } => "error-file-larger-than",
            TooManyRows { .. } => "error-too-many-rows",
            SheetTooWide { .. } => "error-sheet-too-wide",
            SheetTooManyCells { .. } => "error-sheet-too-many-cells",
            NotUtf8 { .. } => "error-not-utf8",
            CsvLineUnreadable { .. } => "error-csv-line-unreadable",
            XlsxUnreadable => "error-xlsx-unreadable",
            NoHeaders => "error-no-headers",
            HeaderTwice { .. } => "error-header-twice",
            PfifDtd => "error-pfif-dtd",
            XmlMalformed => "error-xml-malformed",
            PfifRoot { .. } => "error-pfif-root",
            PfifNamespace { .. } => "error-pfif-namespace",
            PfifNotRecord { .. } => "error-pfif-not-record",
            PfifPersonIdMissing => "error-pfif-person-id-missing",
            PfifNoteIdMissing => "error-pfif-note-id-missing",
            PfifRecordId { .. } => "error-pfif-record-id",
            PfifNoName => "error-pfif-no-name",
            PfifSourceDate { .. } => "error-pfif-source-date",
            PfifEntryDate { .. } => "error-pfif-entry-date",
            PfifBirthDate { .. } => "error-pfif-birth-date",
            PfifAge { .. } => "error-pfif-age",
            PfifSex { .. } => "error-pfif-sex",
            PfifNoteOtherPerson { .. } => "error-pfif-note-other-person",
            PfifMadeContact { .. } => "error-pfif-made-contact",
            PfifNoteStatus { .. } => "error-pfif-note-status",
            PfifOrphanNote => "error-pfif-orphan-note",
            PfifOtherDomain { .. } => "error-pfif-other-domain",
            PfifNoteOtherDomain { .. } => "error-pfif-note-other-domain",
            LineNumbers => "error-line-numbers",
        }
    }

    /// The parameters the translation fills, by name.
    pub fn args(&self) -> Vec<(&'static str, ProblemArg)> {
        use Problem::*;
        let number = |n: i64| ProblemArg::Number(n);
        let text = |t: &str| ProblemArg::Text(t.to_owned());
        match self {
            TooLong { max } | TooManyNames { max } | TooManySteps { max } => {
                vec![("max", number(*max as i64))]
            }
            TooShort { min } => vec![("min", number(*min as i64))],
            WholeNumberUpTo { max } | ReportSpan { max } => vec![("max", number(*max))],
            YearRange { min, max } | ReportingYear { min, max } => vec![
                ("min", number(i64::from(*min))),
                ("max", number(i64::from(*max))),
            ],
            AgeRange { max } | MaxAgeTooHigh { max } => vec![("max", number(i64::from(*max)))],
            NoSuchDay { month, day } => {
                vec![("month", text(month)), ("day", number(i64::from(*day)))]
            }
            UnknownCode { value }
            | LanguageCode { value }
            | UnknownRole { value }
            | UtcOffset { value }
            | UnknownScope { value } => vec![("value", text(value))],
            OpeningHours { part } => vec![("value", text(part))],
            OneOf { choices } => vec![(
                "choices",
                ProblemArg::Words(choices.iter().map(|c| c.key()).collect()),
            )],
            TooManyCountries { max } => vec![("max", number(*max as i64))],
            TooManyEntries { max } => vec![("max", number(*max as i64))],
            Unreadable { detail } => match detail {
                Unparsed::Syntax { line, column } => vec![
                    ("line", number(*line as i64)),
                    ("column", number(*column as i64)),
                ],
                Unparsed::MissingField { name } | Unparsed::UnknownField { name } => {
                    vec![("name", text(name))]
                }
                Unparsed::UnknownValue { value } => vec![("value", text(value))],
                Unparsed::Truncated
                | Unparsed::TrailingCharacters
                | Unparsed::WrongType
                | Unparsed::InvalidValue => Vec::new(),
            },
            ContentType { expected } => vec![("expected", text(expected))],
            FileTooLarge { max } => vec![("max", number(i64::from(*max)))],
            GroupsTotal { total, reached } => vec![
                ("total", number(i64::from(*total))),
                ("reached", number(i64::from(*reached))),
            ],
            TooManyReferrals { referred, reached } => vec![
                ("referred", number(i64::from(*referred))),
                ("reached", number(i64::from(*reached))),
            ],
            TooManySessions { max } => vec![("max", number(*max as i64))],
            RetentionOutOfLimits { days, min, max } => vec![
                ("days", number(i64::from(*days))),
                ("min", number(i64::from(*min))),
                ("max", number(i64::from(*max))),
            ],
            PhotoTooManyPixels { max } => vec![("max", number(i64::from(*max)))],
            PhotoTooSmall { width, height } => vec![
                ("width", number(i64::from(*width))),
                ("height", number(i64::from(*height))),
            ],
            TokenDays { max } => vec![("max", number(i64::from(*max)))],
            ExportReason { min, max } => vec![
                ("min", number(i64::from(*min))),
                ("max", number(i64::from(*max))),
            ],
            RequestStatusChange { from, to } => vec![("from", text(from)), ("to", text(to))],
            MessageStatusChange { from, to } => vec![("from", text(from)), ("to", text(to))],
            NotImportField { kind } => vec![("kind", text(kind))],
            ColumnMissing { column } => vec![("column", text(column))],
            ContentMismatch { format } => vec![("format", text(format))],
            TooManyCells { cells, columns } => vec![
                ("cells", number(i64::from(*cells))),
                ("columns", number(i64::from(*columns))),
            ],
            FileLargerThan { max } => vec![("max", number(i64::from(*max)))],
            TooManyRows { max } | SheetTooWide { max } | SheetTooManyCells { max } => {
                vec![("max", number(i64::from(*max)))]
            }
            NotUtf8 { offset } => {
                vec![("offset", number(i64::try_from(*offset).unwrap_or(i64::MAX)))]
            }
            CsvLineUnreadable { line } => {
                vec![("line", number(i64::try_from(*line).unwrap_or(i64::MAX)))]
            }
            HeaderTwice { header } => vec![("header", text(header))],
            PfifRoot { element } => vec![("element", text(element))],
            PfifNamespace { element, namespace } => {
                vec![("element", text(element)), ("namespace", text(namespace))]
            }
            PfifNotRecord { element } => vec![("element", text(element))],
            PfifRecordId { id } => vec![("id", text(id))],
            PfifSourceDate { value } => vec![("value", text(value))],
            PfifEntryDate { value } => vec![("value", text(value))],
            PfifBirthDate { value } => vec![("value", text(value))],
            PfifAge { value } => vec![("value", text(value))],
            PfifSex { value } => vec![("value", text(value))],
            PfifNoteOtherPerson { own, parent } => {
                vec![("own", text(own)), ("parent", text(parent))]
            }
            PfifMadeContact { value } => vec![("value", text(value))],
            PfifNoteStatus { status } => vec![("status", text(status))],
            PfifOtherDomain { found, domain } => {
                vec![("found", text(found)), ("domain", text(domain))]
            }
            PfifNoteOtherDomain { domain } => vec![("domain", text(domain))],
            _ => Vec::new(),
        }
    }

    /// One value of every variant, for tests that walk them all (the
    /// translation test of the web layer).
    pub fn examples() -> Vec<Problem> {
        use Problem::*;
        let all = vec![
            Required,
            Empty,
            TooLong { max: 200 },
            TooShort { min: 2 },
            ControlCharacters,
            ChooseOne,
            UnknownCode {
                value: "xyz".to_owned(),
            },
            DateFormat,
            YearRange {
                min: 1880,
                max: 2100,
            },
            MonthRange,
            NoSuchDay {
                month: "2026-02".to_owned(),
                day: 30,
            },
            InFuture,
            AgeRange { max: 120 },
            AgeNotNumber,
            NameRequired,
            TooManyNames { max: 20 },
            NoLetters,
            CountryCode,
            CountryTwoLetters,
            LanguageCode {
                value: "xyz".to_owned(),
            },
            LanguageCodes,
            Email,
            Phone,
            OrgKind,
            UnknownRole {
                value: "xyz".to_owned(),
            },
            NoRole,
            GalleryReference,
            CaseReference,
            CaseNumberRange,
            Identifier,
            GuardianOnlyForMinor,
            MinorPublicationNeedsGuardian,
            SharingNeedsScope,
            ScopeOnlyForSharing,
            ClosureReasonRequired,
            TopicCode,
            ServicesRequired,
            StepRepeated,
            StepsRequired,
            TooManySteps { max: 30 },
            UtcOffset {
                value: "+25".to_owned(),
            },
            UtcOffsetRange,
            OpeningHours {
                part: "Mo 9-5".to_owned(),
            },
            MaxAgeBelowMin,
            MaxAgeTooHigh { max: 120 },
            FileFormat,
            ScopesRequired,
            UnknownScope {
                value: "xyz".to_owned(),
            },
            Confirm,
            WholeNumberUpTo { max: 10_000_000 },
            ReportSpan { max: 20 },
            ComputedFigure,
            ReportingYear {
                min: 2000,
                max: 2026,
            },
            OneOf {
                choices: vec![Choice::Accept, Choice::Decline],
            },
            Date,
            DateTime,
            Rfc3339Time,
            OutOfRange,
            WholeNumber,
            AtLeastOne,
            Negative,
            ListedTwice,
            Uuid,
            Base64,
            TooManyCountries { max: 30 },
            CountriesRequired,
            TooManyEntries { max: 50 },
            Unreadable {
                detail: Unparsed::Syntax {
                    line: 3,
                    column: 14,
                },
            },
            Unreadable {
                detail: Unparsed::Truncated,
            },
            Unreadable {
                detail: Unparsed::TrailingCharacters,
            },
            Unreadable {
                detail: Unparsed::MissingField {
                    name: "decision".to_owned(),
                },
            },
            Unreadable {
                detail: Unparsed::UnknownField {
                    name: "colour".to_owned(),
                },
            },
            Unreadable {
                detail: Unparsed::UnknownValue {
                    value: "maybe".to_owned(),
                },
            },
            Unreadable {
                detail: Unparsed::WrongType,
            },
            Unreadable {
                detail: Unparsed::InvalidValue,
            },
            FormUnreadable,
            FormIncomplete,
            ContentType {
                expected: "application/json".to_owned(),
            },
            ChooseFile,
            FileTooLarge { max: 10 },
            ChooseOrganisation,
            NoSuchOrganisation,
            ChooseReceivingOrganisation,
            NotYourPassword,
            CommonPassword,
            JointActionNeedsOwner,
            OnlyJointActionHasOwner,
            JointActionOwner,
            OwnerNotMember,
            FollowCode,
            PostReadOnly,
            PostCoordinatorsOnly,
            CoordinatorsRequired,
            NetworkNameTaken,
            CoordinatorsChangeMembers,
            KeepOneCoordinator,
            GcmObjective,
            CostAmount,
            CurrencyCode,
            PracticeLanguage,
            StagesRequired,
            SupportRequired,
            ObjectivesRequired,
            ChooseNetwork,
            SubmitReadOnly,
            ReviewReadOnly,
            ReviewNotInReview,
            ReviewOwnOrganisation,
            ReviewedByYou,
            ReviewedByYourOrganisation,
            ReviewsComplete,
            PublishNotYours,
            PublishNotInReview,
            PublishNeedsTwoApprovals,
            ModeratorsOnly,
            NotHeld,
            DurationMinutes,
            MembersRequired,
            GroupListedTwice,
            GroupsTotal {
                total: 12,
                reached: 15,
            },
            TooManyReferrals {
                referred: 17,
                reached: 15,
            },
            TooManyFollowUps,
            SessionId,
            NotATopic,
            FollowUpIdInUse,
            TooManySessions { max: 100 },
            LettersOrDigits,
            TopicExists,
            EndBeforeStart,
            ToolKey,
            ToolTitle,
            ToolFieldCount,
            ToolFieldKeyRepeated,
            ToolLabel,
            NotAToolField,
            TextTooLong,
            MustBeText,
            YesOrNo,
            ReferralOwnOrganisation,
            PersonAtRisk,
            ReferralNoConsent,
            StageNotCurrent,
            StageOtherSide,
            ReferralNotActive,
            RequiredStepsOpen,
            StepAlreadyTicked,
            SkipNeedsReason,
            ChoosePerson,
            DeclineNeedsReason,
            ReceiverDecides,
            ReceiverChangesStatus,
            PublicationAtRisk,
            NoPublicationConsent,
            SameApprover,
            TransferOwnOrganisation,
            TransferSameCountry,
            NothingShared,
            SoughtAtRisk,
            SoughtNotInRequest,
            EnquirerAtRisk,
            EnquirerNoSharingConsent,
            AlreadyTransferred,
            TransferDeclineReason,
            RetentionOutOfLimits {
                days: 9999,
                min: 30,
                max: 3650,
            },
            PhotoFormat,
            PhotoTooManyPixels { max: 40 },
            PhotoTooSmall {
                width: 120,
                height: 160,
            },
            PhotoUnreadable,
            WrongCode,
            EnrolmentExpired,
            TokenName,
            TokenDays { max: 365 },
            CandidateRejectReason,
            ExportReason { min: 10, max: 300 },
            RequestStatusChange {
                from: "closed".to_owned(),
                to: "open".to_owned(),
            },
            MessageStatusChange {
                from: "sent".to_owned(),
                to: "draft".to_owned(),
            },
            SoughtRequired,
            NotAMember,
            NotActiveCaseworker,
            AccountDisabled,
            ConfirmErasure,
            KeyRotationUnfinished,
            NotImportField {
                kind: "requests".to_owned(),
            },
            ColumnRequired,
            ColumnMissing {
                column: "Surname".to_owned(),
            },
            TextEncoding,
            AuthorRequired,
            PfifUtf8,
            ThemeWord,
            ContentMismatch {
                format: "PDF".to_owned(),
            },
            RecordChanged,
            AlreadyInUse,
            ReferralChanged,
            BuiltinToolKey,
            ToolKeyTaken,
            TransferRevoked,
            TransferDecided,
            EntryChanged,
            ProfileRevised,
            OwnAdminRole,
            ReleaseAtRisk,
            NoSharingConsent,
            MessagesAfterConfirmation,
            CellFormula,
            TooManyCells {
                cells: 7,
                columns: 5,
            },
            FileEmpty,
            FileLargerThan { max: 64 },
            TooManyRows { max: 2000000 },
            SheetTooWide { max: 1000 },
            SheetTooManyCells { max: 20000000 },
            NotUtf8 { offset: 12 },
            CsvLineUnreadable { line: 3 },
            XlsxUnreadable,
            NoHeaders,
            HeaderTwice {
                header: "Surname".to_owned(),
            },
            PfifDtd,
            XmlMalformed,
            PfifRoot {
                element: "feed".to_owned(),
            },
            PfifNamespace {
                element: "person".to_owned(),
                namespace: "http://zesty.ca/pfif/1.4".to_owned(),
            },
            PfifNotRecord {
                element: "entry".to_owned(),
            },
            PfifPersonIdMissing,
            PfifNoteIdMissing,
            PfifRecordId {
                id: "example.org".to_owned(),
            },
            PfifNoName,
            PfifSourceDate {
                value: "2010-01-16".to_owned(),
            },
            PfifEntryDate {
                value: "yesterday".to_owned(),
            },
            PfifBirthDate {
                value: "1980/05".to_owned(),
            },
            PfifAge {
                value: "about forty".to_owned(),
            },
            PfifSex {
                value: "x".to_owned(),
            },
            PfifNoteOtherPerson {
                own: "example.org/2".to_owned(),
                parent: "example.org/1".to_owned(),
            },
            PfifMadeContact {
                value: "maybe".to_owned(),
            },
            PfifNoteStatus {
                status: "alive".to_owned(),
            },
            PfifOrphanNote,
            PfifOtherDomain {
                found: "other.example".to_owned(),
                domain: "example.org".to_owned(),
            },
            PfifNoteOtherDomain {
                domain: "example.org".to_owned(),
            },
            LineNumbers,
        ];
        // A new variant must be added above: this match has no catch-all.
        for problem in &all {
            match problem {
                Required
                | Empty
                | TooLong { .. }
                | TooShort { .. }
                | ControlCharacters
                | ChooseOne
                | UnknownCode { .. }
                | DateFormat
                | YearRange { .. }
                | MonthRange
                | NoSuchDay { .. }
                | InFuture
                | AgeRange { .. }
                | AgeNotNumber
                | NameRequired
                | TooManyNames { .. }
                | NoLetters
                | CountryCode
                | CountryTwoLetters
                | LanguageCode { .. }
                | LanguageCodes
                | Email
                | Phone
                | OrgKind
                | UnknownRole { .. }
                | NoRole
                | GalleryReference
                | CaseReference
                | CaseNumberRange
                | Identifier
                | GuardianOnlyForMinor
                | MinorPublicationNeedsGuardian
                | SharingNeedsScope
                | ScopeOnlyForSharing
                | ClosureReasonRequired
                | TopicCode
                | ServicesRequired
                | StepRepeated
                | StepsRequired
                | TooManySteps { .. }
                | UtcOffset { .. }
                | UtcOffsetRange
                | OpeningHours { .. }
                | MaxAgeBelowMin
                | MaxAgeTooHigh { .. }
                | FileFormat
                | ScopesRequired
                | UnknownScope { .. }
                | Confirm
                | WholeNumberUpTo { .. }
                | ComputedFigure
                | ReportingYear { .. }
                | ReportSpan { .. }
                | OneOf { .. }
                | Date
                | DateTime
                | Rfc3339Time
                | OutOfRange
                | WholeNumber
                | AtLeastOne
                | Negative
                | ListedTwice
                | Uuid
                | Base64
                | TooManyCountries { .. }
                | CountriesRequired
                | TooManyEntries { .. }
                | Unreadable { .. }
                | FormUnreadable
                | FormIncomplete
                | ContentType { .. }
                | ChooseFile
                | FileTooLarge { .. }
                | ChooseOrganisation
                | NoSuchOrganisation
                | ChooseReceivingOrganisation
                | NotYourPassword
                | CommonPassword
                | JointActionNeedsOwner
                | OnlyJointActionHasOwner
                | JointActionOwner
                | OwnerNotMember
                | FollowCode
                | PostReadOnly
                | PostCoordinatorsOnly
                | CoordinatorsRequired
                | NetworkNameTaken
                | CoordinatorsChangeMembers
                | KeepOneCoordinator
                | GcmObjective
                | CostAmount
                | CurrencyCode
                | PracticeLanguage
                | StagesRequired
                | SupportRequired
                | ObjectivesRequired
                | ChooseNetwork
                | SubmitReadOnly
                | ReviewReadOnly
                | ReviewNotInReview
                | ReviewOwnOrganisation
                | ReviewedByYou
                | ReviewedByYourOrganisation
                | ReviewsComplete
                | PublishNotYours
                | PublishNotInReview
                | PublishNeedsTwoApprovals
                | ModeratorsOnly
                | NotHeld
                | DurationMinutes
                | MembersRequired
                | GroupListedTwice
                | GroupsTotal { .. }
                | TooManyReferrals { .. }
                | TooManyFollowUps
                | SessionId
                | NotATopic
                | FollowUpIdInUse
                | TooManySessions { .. }
                | LettersOrDigits
                | TopicExists
                | EndBeforeStart
                | ToolKey
                | ToolTitle
                | ToolFieldCount
                | ToolFieldKeyRepeated
                | ToolLabel
                | NotAToolField
                | TextTooLong
                | MustBeText
                | YesOrNo
                | ReferralOwnOrganisation
                | PersonAtRisk
                | ReferralNoConsent
                | StageNotCurrent
                | StageOtherSide
                | ReferralNotActive
                | RequiredStepsOpen
                | StepAlreadyTicked
                | SkipNeedsReason
                | ChoosePerson
                | DeclineNeedsReason
                | ReceiverDecides
                | ReceiverChangesStatus
                | PublicationAtRisk
                | NoPublicationConsent
                | SameApprover
                | TransferOwnOrganisation
                | TransferSameCountry
                | NothingShared
                | SoughtAtRisk
                | SoughtNotInRequest
                | EnquirerAtRisk
                | EnquirerNoSharingConsent
                | AlreadyTransferred
                | TransferDeclineReason
                | RetentionOutOfLimits { .. }
                | PhotoFormat
                | PhotoTooManyPixels { .. }
                | PhotoTooSmall { .. }
                | PhotoUnreadable
                | WrongCode
                | EnrolmentExpired
                | TokenName
                | TokenDays { .. }
                | CandidateRejectReason
                | ExportReason { .. }
                | RequestStatusChange { .. }
                | MessageStatusChange { .. }
                | SoughtRequired
                | NotAMember
                | NotActiveCaseworker
                | AccountDisabled
                | ConfirmErasure
                | KeyRotationUnfinished
                | NotImportField { .. }
                | ColumnRequired
                | ColumnMissing { .. }
                | TextEncoding
                | AuthorRequired
                | PfifUtf8
                | ThemeWord
                | ContentMismatch { .. }
                | RecordChanged
                | AlreadyInUse
                | ReferralChanged
                | BuiltinToolKey
                | ToolKeyTaken
                | TransferRevoked
                | TransferDecided
                | EntryChanged
                | ProfileRevised
                | OwnAdminRole
                | ReleaseAtRisk
                | NoSharingConsent
                | MessagesAfterConfirmation
                | CellFormula
                | TooManyCells { .. }
                | FileEmpty
                | FileLargerThan { .. }
                | TooManyRows { .. }
                | SheetTooWide { .. }
                | SheetTooManyCells { .. }
                | NotUtf8 { .. }
                | CsvLineUnreadable { .. }
                | XlsxUnreadable
                | NoHeaders
                | HeaderTwice { .. }
                | PfifDtd
                | XmlMalformed
                | PfifRoot { .. }
                | PfifNamespace { .. }
                | PfifNotRecord { .. }
                | PfifPersonIdMissing
                | PfifNoteIdMissing
                | PfifRecordId { .. }
                | PfifNoName
                | PfifSourceDate { .. }
                | PfifEntryDate { .. }
                | PfifBirthDate { .. }
                | PfifAge { .. }
                | PfifSex { .. }
                | PfifNoteOtherPerson { .. }
                | PfifMadeContact { .. }
                | PfifNoteStatus { .. }
                | PfifOrphanNote
                | PfifOtherDomain { .. }
                | PfifNoteOtherDomain { .. }
                | LineNumbers => {}
            }
        }
        all
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Problem::*;
        match self {
            Required => f.write_str("is required"),
            Empty => f.write_str("must not be empty"),
            TooLong { max } => write!(f, "must have at most {max} characters"),
            TooShort { min } => write!(f, "must have at least {min} characters"),
            ControlCharacters => f.write_str("must not contain control characters"),
            ChooseOne => f.write_str("choose one"),
            UnknownCode { value } => write!(f, "unknown code {value:?}"),
            DateFormat => {
                f.write_str("must be a year (1990), a month (1990-05) or a date (1990-05-12)")
            }
            YearRange { min, max } => write!(f, "the year must be between {min} and {max}"),
            MonthRange => f.write_str("the month must be from 01 to 12"),
            NoSuchDay { month, day } => write!(f, "{month} has no day {day}"),
            InFuture => f.write_str("is in the future"),
            AgeRange { max } => write!(f, "must be from 0 to {max} years"),
            AgeNotNumber => f.write_str("must be a number of years"),
            NameRequired => f.write_str("at least one name is required"),
            TooManyNames { max } => write!(f, "at most {max} names per person"),
            NoLetters => f.write_str("must contain letters"),
            CountryCode => f.write_str("must be an ISO 3166-1 alpha-2 code such as BE, FR or SY"),
            CountryTwoLetters => f.write_str("must be two letters"),
            LanguageCode { value } => write!(
                f,
                "{value:?} is not a two-letter language code such as en or ar"
            ),
            LanguageCodes => f.write_str("must be ISO 639 codes such as ar, fr or ti"),
            Email => f.write_str("must be an email address such as name@example.org"),
            Phone => {
                f.write_str("must be a phone number of 6 to 20 digits, such as +32 2 555 01 23")
            }
            OrgKind => f.write_str(
                "must be one of national_society, icrc, ifrc, iom, government_agency, ngo",
            ),
            UnknownRole { value } => write!(
                f,
                "unknown role {value:?}: use org_admin, caseworker, referral_officer, outreach_worker, coordinator or viewer"
            ),
            NoRole => f.write_str("choose at least one role"),
            GalleryReference => f.write_str("is not a gallery reference"),
            CaseReference => f.write_str("must look like BE-2026-00042"),
            CaseNumberRange => f.write_str("the number must be from 1 to 999999999"),
            Identifier => f.write_str("is not a valid identifier"),
            GuardianOnlyForMinor => f.write_str("a guardian consents only for a minor"),
            MinorPublicationNeedsGuardian => {
                f.write_str("publication of a minor needs a guardian's consent")
            }
            SharingNeedsScope => {
                f.write_str("name the organisations or countries the person agreed to share with")
            }
            ScopeOnlyForSharing => {
                f.write_str("only a sharing consent has organisations or countries")
            }
            ClosureReasonRequired => f.write_str("a closed request needs a reason"),
            TopicCode => f.write_str("must be 2 to 40 lower-case letters, digits or underscores"),
            ServicesRequired => f.write_str("choose at least one service"),
            StepRepeated => f.write_str("each step is listed once"),
            StepsRequired => f.write_str("write at least one step"),
            TooManySteps { max } => write!(f, "at most {max} steps"),
            UtcOffset { value } => write!(
                f,
                "{value:?} is not an offset from UTC such as +01:00 or -05:00"
            ),
            UtcOffsetRange => f.write_str("is out of range"),
            OpeningHours { part } => write!(
                f,
                "{part:?} is not understood: write for example \"Mo-Fr 09:00-17:00; Sa 10:00-12:00\" or \"24/7\""
            ),
            MaxAgeBelowMin => f.write_str("must not be below the minimum age"),
            MaxAgeTooHigh { max } => write!(f, "must be at most {max}"),
            FileFormat => f.write_str("must be a PDF, DOCX, ODT, TXT, HTML or Markdown file"),
            ScopesRequired => f.write_str("choose at least one of read, write, export, admin"),
            UnknownScope { value } => {
                write!(
                    f,
                    "`{value}` is not a scope: use read, write, export or admin"
                )
            }
            Confirm => f.write_str("tick the box to confirm"),
            WholeNumberUpTo { max } => write!(f, "must be a whole number from 0 to {max}"),
            ComputedFigure => f.write_str(
                "is computed from the platform's own records and cannot be entered by hand",
            ),
            ReportSpan { max } => write!(
                f,
                "a report covers one to {max} years: the first year must not be after the last"
            ),
            ReportingYear { min, max } => {
                write!(f, "the year must be between {min} and {max}")
            }
            OneOf { choices } => {
                let codes: Vec<&str> = choices.iter().map(|c| c.code()).collect();
                write!(f, "must be one of {}", codes.join(", "))
            }
            Date => f.write_str("must be a date such as 2026-05-31"),
            DateTime => f.write_str("must be a date and time such as 2026-03-02T18:30"),
            Rfc3339Time => f.write_str("must be a time such as 2026-05-01T00:00:00Z"),
            OutOfRange => f.write_str("is out of range: check the value"),
            WholeNumber => f.write_str("must be a whole number"),
            AtLeastOne => f.write_str("must be at least 1"),
            Negative => f.write_str("must not be negative"),
            ListedTwice => f.write_str("is listed twice: keep it once"),
            Uuid => f.write_str("must be a UUID"),
            Base64 => f.write_str("is not valid base64"),
            TooManyCountries { max } => write!(f, "name at most {max} countries"),
            CountriesRequired => f.write_str("name at least one country"),
            TooManyEntries { max } => write!(f, "at most {max} entries"),
            Unreadable { detail } => write!(f, "could not be read: {detail}"),
            FormUnreadable => f.write_str("the form could not be read: reload the page and send it again"),
            FormIncomplete => f.write_str("the form is incomplete: reload the page"),
            ContentType { expected } => write!(f, "send the request with Content-Type: {expected}"),
            ChooseFile => f.write_str("choose a file"),
            FileTooLarge { max } => write!(f, "is larger than {max} MB: choose a smaller file"),
            ChooseOrganisation => f.write_str("choose an organisation"),
            NoSuchOrganisation => f.write_str("is not an organisation: choose one from the list"),
            ChooseReceivingOrganisation => f.write_str("choose the receiving organisation"),
            NotYourPassword => f.write_str("is not your password"),
            CommonPassword => f.write_str("is too common: choose a less predictable one"),
            JointActionNeedsOwner => f.write_str("a joint action needs the organisation that does it and a date"),
            OnlyJointActionHasOwner => f.write_str("only a joint action names an organisation and a date: leave them empty"),
            JointActionOwner => f.write_str("choose the organisation that does it"),
            OwnerNotMember => f.write_str("the organisation doing a joint action must be a member of the network"),
            FollowCode => f.write_str("must be a kind of post or a country: kind: or country: followed by its code"),
            PostReadOnly => f.write_str("your roles let you read the network’s posts, not write them"),
            PostCoordinatorsOnly => f.write_str("only the network’s coordinating organisations write minutes and joint actions"),
            CoordinatorsRequired => f.write_str("name at least one coordinating organisation"),
            NetworkNameTaken => f.write_str("a network with this name exists: choose another name"),
            CoordinatorsChangeMembers => f.write_str("only the network’s coordinating organisations change its members"),
            KeepOneCoordinator => f.write_str("a network keeps at least one coordinating organisation"),
            GcmObjective => f.write_str("must be an objective of the Global Compact for Migration, 1 to 23"),
            CostAmount => f.write_str("must be a whole amount such as 120, or left empty"),
            CurrencyCode => f.write_str("must be a three-letter currency code such as EUR"),
            PracticeLanguage => f.write_str("must be English, French, Spanish or Arabic"),
            StagesRequired => f.write_str("choose at least one stage of the route"),
            SupportRequired => f.write_str("choose at least one type of support"),
            ObjectivesRequired => f.write_str("choose at least one objective of the Global Compact for Migration"),
            ChooseNetwork => f.write_str("choose a network"),
            SubmitReadOnly => f.write_str("your roles let you read practices, not submit them"),
            ReviewReadOnly => f.write_str("your roles let you read practices, not review them"),
            ReviewNotInReview => f.write_str("only a practice in peer review can be reviewed"),
            ReviewOwnOrganisation => f.write_str("a practice is reviewed by other organisations of the network, not by its own"),
            ReviewedByYou => f.write_str("you have already reviewed this practice"),
            ReviewedByYourOrganisation => f.write_str("someone of your organisation has already reviewed this practice"),
            ReviewsComplete => f.write_str("this practice has its two reviews"),
            PublishNotYours => f.write_str("the practice’s own organisation or a coordinating organisation publishes it"),
            PublishNotInReview => f.write_str("only a practice in peer review can be published"),
            PublishNeedsTwoApprovals => f.write_str("a practice is published after two approving reviews from two other organisations"),
            ModeratorsOnly => f.write_str("the network’s coordinating organisations moderate what the public sends"),
            NotHeld => f.write_str("only a practice held for moderation can be accepted or declined"),
            DurationMinutes => f.write_str("must be between 1 and 1440 minutes"),
            MembersRequired => f.write_str("name at least one team member"),
            GroupListedTwice => f.write_str("this sex, age band and nationality is listed twice: add the counts on one line"),
            GroupsTotal { total, reached } => write!(f, "the groups add up to {total}, not to the {reached} people reached: correct the counts"),
            TooManyReferrals { referred, reached } => write!(f, "{referred} referrals for {reached} people reached: there cannot be more referrals than people"),
            TooManyFollowUps => f.write_str("more follow-up records than people reached: remove the extra ones"),
            SessionId => f.write_str("must be the session’s UUID made on the device"),
            NotATopic => f.write_str("is not a topic of the organisation"),
            FollowUpIdInUse => f.write_str("a follow-up id is already in use"),
            TooManySessions { max } => write!(f, "at most {max} sessions per sync"),
            LettersOrDigits => f.write_str("needs letters or digits"),
            TopicExists => f.write_str("this topic already exists"),
            EndBeforeStart => f.write_str("must not be before the start"),
            ToolKey => f.write_str("use 1 to 40 lower-case letters, digits or underscores"),
            ToolTitle => f.write_str("give the title in English, French, Arabic and Spanish (at most 300 characters)"),
            ToolFieldCount => f.write_str("a tool has 1 to 40 fields"),
            ToolFieldKeyRepeated => f.write_str("each field key is used once"),
            ToolLabel => f.write_str("give the label in English, French, Arabic and Spanish"),
            NotAToolField => f.write_str("is not a field of this tool"),
            TextTooLong => f.write_str("is too long: shorten it"),
            MustBeText => f.write_str("must be text"),
            YesOrNo => f.write_str("must be yes or no"),
            ReferralOwnOrganisation => f.write_str("a referral goes to another organisation than your own"),
            PersonAtRisk => f.write_str("the person is flagged at risk: nothing about them leaves the organisation"),
            ReferralNoConsent => f.write_str("the person has no active consent or recorded lawful basis for sharing with this organisation or country: record it first"),
            StageNotCurrent => f.write_str("this stage is not the one being worked now"),
            StageOtherSide => f.write_str("the other organisation works this stage"),
            ReferralNotActive => f.write_str("the referral is not accepted or is already over"),
            RequiredStepsOpen => f.write_str("every required step must be done or skipped with a reason first"),
            StepAlreadyTicked => f.write_str("this step was already ticked or skipped"),
            SkipNeedsReason => f.write_str("give the reason for skipping the step"),
            ChoosePerson => f.write_str("choose a person of your organisation"),
            DeclineNeedsReason => f.write_str("a decline needs a reason: say why"),
            ReceiverDecides => f.write_str("only the receiving organisation accepts or declines"),
            ReceiverChangesStatus => f.write_str("only the receiving organisation changes the status"),
            PublicationAtRisk => f.write_str("the person is at risk: nothing is published"),
            NoPublicationConsent => f.write_str("record the person’s consent to publication first"),
            SameApprover => f.write_str("a second, different staff member must approve"),
            TransferOwnOrganisation => f.write_str("a request cannot be transferred to its own organisation"),
            TransferSameCountry => f.write_str("choose an organisation in another country than the request’s"),
            NothingShared => f.write_str("choose at least one part to share"),
            SoughtAtRisk => f.write_str("a person at risk is never shared outside the organisation"),
            SoughtNotInRequest => f.write_str("a chosen person is not sought in this request"),
            EnquirerAtRisk => f.write_str("the enquirer is at risk: nothing about them is shared outside the organisation"),
            EnquirerNoSharingConsent => f.write_str("the enquirer has not agreed to share with this organisation or country"),
            AlreadyTransferred => f.write_str("the request is already transferred to this organisation"),
            TransferDeclineReason => f.write_str("say why the transfer is declined"),
            RetentionOutOfLimits { days, min, max } => write!(f, "a retention period of {days} days is outside the limits ({min} to {max} days): choose a period within them"),
            PhotoFormat => f.write_str("must be a JPEG, PNG or WebP image"),
            PhotoTooManyPixels { max } => write!(f, "has more than {max} megapixels: choose a smaller image"),
            PhotoTooSmall { width, height } => write!(f, "is too small: it needs at least {width} × {height} pixels"),
            PhotoUnreadable => f.write_str("could not be read: the file is damaged or not an image"),
            WrongCode => f.write_str("is not the code the app shows now: type the current code"),
            EnrolmentExpired => f.write_str("the enrolment form is no longer valid: start again"),
            TokenName => f.write_str("give the token a name of 1 to 100 characters"),
            TokenDays { max } => write!(f, "a token lives 1 to {max} days"),
            CandidateRejectReason => f.write_str("say why the candidate is rejected"),
            ExportReason { min, max } => write!(f, "say in {min} to {max} characters why the export is needed"),
            RequestStatusChange { from, to } => write!(f, "a request cannot go from {from} to {to}"),
            MessageStatusChange { from, to } => write!(f, "a message cannot go from {from} to {to}"),
            SoughtRequired => f.write_str("at least one sought person is required"),
            NotAMember => f.write_str("is not a member of this organisation"),
            NotActiveCaseworker => f.write_str("is not an active caseworker: choose another"),
            AccountDisabled => f.write_str("this account is disabled: choose another"),
            ConfirmErasure => f.write_str("confirm that everything held on the person is to be erased"),
            KeyRotationUnfinished => f.write_str("values remain under an older key: run the rotation to its end first"),
            NotImportField { kind } => write!(f, "is not a field of an import of {kind}"),
            ColumnRequired => f.write_str("must name a column"),
            ColumnMissing { column } => write!(f, "the column {column} is not in the file"),
            TextEncoding => f.write_str("must be UTF-8 (or UTF-16 with a byte-order mark) or Windows-1252"),
            AuthorRequired => f.write_str("a sought person’s record needs an author"),
            PfifUtf8 => f.write_str("a PFIF document is UTF-8 XML"),
            ThemeWord => f.write_str("a theme is one word of letters, digits or hyphens, at most 40 characters"),
            ContentMismatch { format } => write!(f, "is not a {format} file: its content does not match its extension"),
            RecordChanged => f.write_str("someone else saved this record in the meantime: reload it and apply your change again"),
            AlreadyInUse => f.write_str("is already in use: choose another"),
            ReferralChanged => f.write_str("the referral has changed in the meantime: reload it"),
            BuiltinToolKey => f.write_str("a built-in tool has this key: choose another"),
            ToolKeyTaken => f.write_str("the organisation already has a tool with this key: choose another"),
            TransferRevoked => f.write_str("the transfer is already revoked"),
            TransferDecided => f.write_str("the transfer is already decided"),
            EntryChanged => f.write_str("someone changed this entry since you opened it: reload it and try again"),
            ProfileRevised => f.write_str("someone revised this profile since you opened it: reload it and try again"),
            OwnAdminRole => f.write_str("you cannot remove your own administration role: ask another administrator"),
            ReleaseAtRisk => f.write_str("the person is at risk: nothing is released outside the organisation"),
            NoSharingConsent => f.write_str("the person has not agreed to share with this organisation or country"),
            MessagesAfterConfirmation => f.write_str("family messages are relayed once both organisations have confirmed the match"),
            CellFormula => f.write_str("holds a formula: formulas are never evaluated; save the value instead"),
            TooManyCells { cells, columns } => write!(f, "has {cells} cells but the first row names {columns} columns"),
            FileEmpty => f.write_str("the file is empty"),
            FileLargerThan { max } => write!(f, "the file is larger than {max} MB"),
            TooManyRows { max } => write!(f, "the file has more than {max} rows"),
            SheetTooWide { max } => write!(f, "the first sheet spans more than {max} columns"),
            SheetTooManyCells { max } => write!(f, "the first sheet has more than {max} cells"),
            NotUtf8 { offset } => write!(f, "the file is not UTF-8 (first invalid byte at offset {offset}); save it as UTF-8 CSV, or choose the Windows-1252 encoding"),
            CsvLineUnreadable { line } => write!(f, "line {line} of the file could not be read"),
            XlsxUnreadable => f.write_str("the XLSX file could not be read (damaged or truncated)"),
            NoHeaders => f.write_str("the first row names no columns"),
            HeaderTwice { header } => write!(f, "the column {header} appears twice in the first row"),
            PfifDtd => f.write_str("the file declares a DTD or entities, which are refused (an entity bomb such as \"billion laughs\" is one)"),
            XmlMalformed => f.write_str("not well-formed XML"),
            PfifRoot { element } => write!(f, "the root element is <{element}>, not a PFIF <pfif> in one of the namespaces http://zesty.ca/pfif/1.1 to 1.4"),
            PfifNamespace { element, namespace } => write!(f, "<{element}> is not in the namespace {namespace}"),
            PfifNotRecord { element } => write!(f, "<{element}> is not a PFIF record"),
            PfifPersonIdMissing => f.write_str("the person record id is missing"),
            PfifNoteIdMissing => f.write_str("the note record id is missing"),
            PfifRecordId { id } => write!(f, "the record id {id} is not of the form domain/identifier"),
            PfifNoName => f.write_str("no name: full name, given name and family name are all missing"),
            PfifSourceDate { value } => write!(f, "the source date {value} is not a UTC date and time (YYYY-MM-DDTHH:MM:SSZ)"),
            PfifEntryDate { value } => write!(f, "the entry date {value} is not a UTC date and time (YYYY-MM-DDTHH:MM:SSZ)"),
            PfifBirthDate { value } => write!(f, "the date of birth {value} is not YYYY, YYYY-MM or YYYY-MM-DD"),
            PfifAge { value } => write!(f, "the age {value} is not a number of years or a range such as 35-45"),
            PfifSex { value } => write!(f, "the sex {value} is not female, male or other"),
            PfifNoteOtherPerson { own, parent } => write!(f, "its person record id {own} is not the one of the person it is in ({parent})"),
            PfifMadeContact { value } => write!(f, "whether the author made contact, {value}, is not true or false"),
            PfifNoteStatus { status } => write!(f, "the status {status} is not a PFIF note status"),
            PfifOrphanNote => f.write_str("the note is about a person not in the file"),
            PfifOtherDomain { found, domain } => write!(f, "the record is from the domain {found}, not {domain}"),
            PfifNoteOtherDomain { domain } => write!(f, "the note is not from the domain {domain}"),
            LineNumbers => f.write_str(
                "must be line numbers separated by commas, or ranges such as 1200-1250",
            ),
        }
    }
}

/// A problem with the field it is about (a JSON path such as
/// `sought[0].person.birth_date`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

/// Every problem a form or a JSON body has, collected rather than stopping
/// at the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn push(&mut self, field: impl Into<String>, problem: impl Into<Problem>) {
        self.0.push(FieldError {
            field: field.into(),
            problem: problem.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coded_problem_has_its_own_key_and_english_sentence() {
        let examples = Problem::examples();
        let mut keys: Vec<&str> = examples.iter().map(Problem::key).collect();
        assert_eq!(keys.len(), examples.len());
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), examples.len(), "two variants share a key");
        for problem in &examples {
            assert!(!problem.to_string().is_empty());
        }
        assert_eq!(
            Problem::NoSuchDay {
                month: "2026-02".to_owned(),
                day: 30
            }
            .to_string(),
            "2026-02 has no day 30"
        );
    }

    #[test]
    fn a_parser_message_becomes_a_code_keeping_only_the_quoted_name() {
        assert_eq!(
            Unparsed::of_message("missing field `decision` at line 1 column 2"),
            Unparsed::MissingField {
                name: "decision".to_owned()
            }
        );
        assert_eq!(
            Unparsed::of_message("unknown field `colour`, expected one of `a`, `b`"),
            Unparsed::UnknownField {
                name: "colour".to_owned()
            }
        );
        assert_eq!(
            Unparsed::of_message("unknown variant `maybe`, expected `yes` or `no`"),
            Unparsed::UnknownValue {
                value: "maybe".to_owned()
            }
        );
        assert_eq!(
            Unparsed::of_message("invalid type: string \"x\", expected u32"),
            Unparsed::WrongType
        );
        assert_eq!(
            Unparsed::of_message("invalid digit found in string"),
            Unparsed::InvalidValue
        );
        let problem = Problem::OneOf {
            choices: vec![Choice::Accept, Choice::Decline],
        };
        assert_eq!(problem.to_string(), "must be one of accept, decline");
        assert_eq!(
            problem.args(),
            vec![(
                "choices",
                ProblemArg::Words(vec!["choice-accept", "choice-decline"])
            )]
        );
    }
}
