//! Tencent Cloud Redis
