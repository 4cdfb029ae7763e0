//! Pingan's use cases. The web edge and the CLI call these and nothing below them, naming a
//! service: `app.access()`, `app.org()`, `app.registry()`, `app.cases()`, `app.video()` (one per
//! folder). Each use case checks permission and scope, validates its input, applies the domain
//! rules and calls the store. docs/architecture.md is the map.

mod access;
mod alarms;
mod cache;
mod cases;
mod creation;
mod credit;
pub mod demo;
pub mod doctor;
mod error;
mod files;
mod hotline;
mod hub;
mod legal;
mod list;
mod open311;
mod org;
mod patrols;
mod registry;
mod restore;
mod runtime;
mod services;
mod sms;
mod stats;
mod video;

pub use access::accounts::{CurrentUser, LoginOutcome, NewAccount, SetupStep, UserSummary};
pub use access::audit::{AuditVerdict, AuditView};
pub use access::authorize::Actor;
pub use access::citizens::CitizenSignIn;
pub use access::login_locks::{FailedLoginView, LoginLockView};
pub use access::roles::{PermissionView, RoleEntry, RoleView};
pub use access::second_factor::TotpEnrolment;
pub use access::tokens::ApiTokenView;
pub use alarms::{
    AlarmBody, AlarmPointRequest, AlarmPointView, AlarmPointsView, MAX_SIGNAL_BYTES,
    RegisteredAlarmPoint, SignalOutcome, SignedCall,
};
pub use cases::AlarmNotice;
pub use cases::{
    ActionRequest, ActionView, CaseChange, CaseDepartmentView, CategoryView, Comparison,
    DisputeActionRequest, DisputeConversion, DisputeDetailView, DisputeIntake,
    DisputeIntakeOutcome, DisputeListQuery, DisputePage, DisputePartyView, DisputeSessionView,
    DisputeStatsQuery, DisputeStatsView, DisputeView, DuplicateHint, EventDetailView, EventIntake,
    EventListQuery, EventPage, EventView, IntakeOutcome, MAX_PHOTO_BYTES,
    MediationOrganisationEntry, MediationOrganisationView, MediatorView, PartyEntry, PhotoUpload,
    PhotoView, RoutingRuleView, ScreeningEntry, ScreeningUnitView, ScreeningView, StatsRow,
    TimelineView, new_client_id, parse_case_ref,
};
pub use cases::{
    ApplicationActionRequest, ApplicationDetailView, ApplicationIntake, ApplicationIntakeOutcome,
    ApplicationListQuery, ApplicationPage, ApplicationView, ServiceItemEdit, ServiceItemView,
};
pub use cases::{
    ClueActionRequest, ClueDetailView, ClueIntake, ClueIntakeOutcome, ClueListQuery, ClueLookup,
    CluePage, ClueView, InformantEntry, InformantPlain,
};
pub use cases::{
    LawyerEntry, LawyerView, LeaderLoadView, NoticeKind, PetitionActionRequest, PetitionDetailView,
    PetitionIntake, PetitionIntakeOutcome, PetitionListQuery, PetitionPage, PetitionStatsQuery,
    PetitionStatsRow, PetitionStatsView, PetitionView, PetitionerEntry, PetitionerPlain,
    PetitionerView,
};
pub use cases::{
    PanelView, RiskActionRequest, RiskDetailView, RiskDocumentView, RiskExpertView, RiskIntake,
    RiskListQuery, RiskMeasureView, RiskPage, RiskRegisterView, RiskScoreView, RiskView,
};
pub use creation::{
    BreachView, ChecklistRequest, ChecklistView, CreationAssessmentView, CreationListQuery,
    CreationStepRequest, CreationUnitPage, CreationUnitRequest, CreationUnitView, CriterionEntry,
    ScoredLineView, SixNoneItemView, SixNoneOverview, SixNoneView, StepOption, VillageSixNone,
};
pub use credit::{
    CreditCheckRequest, CreditCheckView, CreditEntryView, CreditFlag, CreditImportReport,
    CreditLiftRequest, CreditListQuery, CreditMeasureRecorded, CreditMeasureRequest,
    CreditMeasureView, template_columns as credit_template_columns,
};
pub use error::AppError;
pub use files::FilesConfig;
pub use hotline::{
    HotlineConfig, HotlineImportReport, HotlineOrder, HotlineOrderView, HotlineOutcome,
    HotlineReportView, MAX_ORDER_ROWS,
};
pub use legal::{
    AdviserRequest, AdviserView, AdvisersView, ConsultationRequest, ConsultationTally,
    ConsultationView, ConsultationsView, CoverageGap, LegalQuery, OutreachOverview,
    OutreachRequest, OutreachTally, OutreachTeamRequest, OutreachTeamView, OutreachView,
    TownshipAdvisers,
};
pub use legal::{
    CheckupRequest, CheckupView, LegalHealthView, LegalRiskEntry, LegalRiskView, RiskResolution,
};
pub use open311::{
    MAX_REQUESTS as OPEN311_MAX_REQUESTS, Open311Attribute, Open311Created, Open311Details,
    Open311Form, Open311Key, Open311Query, Open311Request, Open311Service,
};
pub use org::calendar::CalendarYear;
pub use org::divisions::{DivisionImportReport, MAX_DIVISION_BYTES};
pub use org::grid_import::{GridImportReport, MAX_IMPORT_BYTES};
pub use org::{GridFeatureCollection, Located, OrgRef, OrgSummary, OrgTreeNode, OrgUnitView};
pub use patrols::{
    BatchOutcome, CheckinOutcome, CheckinRequest, CoverageView, DispatchTask, DispatchView,
    KeySegmentRequest, KeySegmentView, PatrolStart, PatrolTeamRequest, PatrolTeamView, PatrolView,
    PositionBatch, PositionEntry, PostSlot, SchoolPost, SchoolPostsView, SegmentCoverage,
    ShiftRequest, ShiftView, TrackView,
};
pub use pingan_crypto::{KeyProvider, MasterKey};
pub use pingan_office::sheet;
pub use pingan_office::sheet::RejectedCell;
pub use pingan_store::AuditFilter;
pub use pingan_store::NewRoutingRule;
pub use pingan_store::{Backend, DbUrl};
pub use registry::export::MAX_EXPORT_ROWS;
pub use registry::households::{HOUSEHOLD_PAGE_ROWS, HouseholdPage, HouseholdQuery, HouseholdView};
pub use registry::import_jobs::ImportJobView;
pub use registry::persons::{
    ImportProgress, MAX_PERSON_ROWS, PERSON_PAGE_ROWS, PersonEntry, PersonImportReport,
    PersonPlain, PersonQuery, PersonView, person_template,
};
pub use registry::places::{
    PLACE_PAGE_ROWS, PlaceEntry, PlaceImportReport, PlacePage, PlacePlain, PlaceQuery, PlaceView,
    place_template,
};
pub use registry::special_groups::{
    MEMBER_PAGE_ROWS, MemberInput, MemberPage, MemberQuery, MemberView, UnitCoverage,
    VisitPolicyView,
};
pub use registry::transfers::{TransferEntry, TransferView};
pub use registry::visits::{VisitEntry, VisitView};
pub use restore::restore_sqlite;
pub use runtime::RuntimeGauges;
pub use sms::SmsSender;
pub use stats::{
    BreakdownQuery, BreakdownView, CategoryFigure, Indicator, IndicatorQuery, IndicatorsView,
    PoliceEntry, PoliceImportReport, PoliceLineView, PoliceYearView, TrendPoint, UnitFigures,
    format_value,
};
pub use video::{
    ChannelQuery, ChannelView, DailyRate, DevicePage, DeviceQuery, DeviceView, MAX_DAYS, MapPoint,
    OnlineRate, OnlineRateReport, PAGE_ROWS, RegistryImportReport, StatusChange, StatusReport,
};
/// The video registry's spreadsheets.
pub mod video_sheets {
    pub use crate::video::{MAX_IMPORT_ROWS, registry_template};
}

pub use hub::{App, AppConfig, LockoutPolicy, Result};
pub use list::Listed;
pub use pingan_domain::page::Total;
pub use services::{Access, Cases, Org, Registry, Video};
