"""Batch event sources: the table's stream (renderer), the rebuild queue and the comment queue, each
handled record by record with partial batch responses (Powertools' BatchProcessor)."""
