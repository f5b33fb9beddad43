//! The help desk's data as the engine and the store see it: tickets, the
//! updates that change them, sharing agreements and custom field types.
//! Plain data, no I/O; `event` reads updates from JSON Lines, `store` reads
//! and writes these types, `engine` turns a ticket and an update into an
//! outcome.

pub mod agreement;
pub mod enums;
pub mod field;
pub mod shared;
pub mod staff;
pub mod tags;
pub mod ticket;
pub mod trust;
pub mod update;

pub use agreement::{Agreement, AgreementStatus, CommentTerms, Direction};
pub use enums::{Priority, Role, Status, TicketType};
pub use field::FieldType;
pub use shared::Shared;
pub use staff::{Access, Agent, ShareCheck, Staff};
pub use tags::Tags;
pub use ticket::{Comment, Received, Share, Ticket, Times};
pub use update::{
    Actor, Changes, NewComment, ReceivedFrom, ScheduledReply, Update, UpdateKind, DERIVED,
};

/// A point in time, always UTC.
pub type Time = chrono::DateTime<chrono::Utc>;

/// A time as nanoseconds since the Unix epoch, as the store keeps it;
/// `None` outside 1677-09-21 to 2262-04-11, which no part of ticket-rules
/// accepts (an event's reader refuses such a time before the store would).
pub fn time_nanos(time: &Time) -> Option<i64> {
    time.timestamp_nanos_opt()
}
