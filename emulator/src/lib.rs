//! The Tencent Cloud Redis API emulator.
