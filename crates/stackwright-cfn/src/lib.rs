//! CloudFormation resource types (L1), generated from the CloudFormation registry schemas.
