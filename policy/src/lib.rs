//! IAM policy language engine (work in progress).
