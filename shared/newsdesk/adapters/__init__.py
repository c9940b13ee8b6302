"""Everything that talks to AWS: DynamoDB (codec, table layout, cursors, stores), S3, CloudFront, KMS,
SQS. Adapters map between AWS shapes and the features' models and translate AWS error codes into domain
errors; they import nothing of a feature but its models and errors. Each takes an optional boto3 client
and otherwise builds one on first use (newsdesk.adapters.aws), never at import."""
