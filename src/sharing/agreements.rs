//! An agreement's life: invite, accept, decline, deactivate.
