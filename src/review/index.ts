/** Review queue services: file a run's artifacts for review, list and summarise a rep's queue, show, decide and bulk-accept items. */
export { fileArtifacts, fileArtifactsMany, FileArtifactsInput, type FileArtifactsOptions, ArtifactInput, type FileArtifactsResult, type ReviewReason } from './file-artifacts.ts';
export { listReviewQueue, ListReviewQueueInput, type ReviewQueueItem, type ReviewQueueArtifact, type ReviewQueuePage } from './list-review-queue.ts';
export { summarizeReviewQueue, SummarizeReviewQueueInput, type ReviewQueueSummary, type ReviewQueueGroup } from './summarize-review-queue.ts';
export { ReviewQueueFilters, TIERS, MAX_QUEUE_QUERY_LENGTH, type Tier } from './queue-sql.ts';
export { getReviewItem, GetReviewItemInput, type ReviewItemDetail } from './get-review-item.ts';
export { markReviewItemViewed, MarkReviewItemViewedInput } from './mark-review-item-viewed.ts';
export { bulkAccept, BulkAcceptInput, MAX_BULK_ACCEPT, type BulkAcceptResult } from './bulk-accept.ts';
export { Viewer, canSee } from './viewer.ts';
export { isSampled, sampleDraw } from './sample.ts';
export { decideReviewItem, DecideReviewItemInput, EditedDraft, ReviewVerdict, MAX_DECISION_NOTE_LENGTH, type DecideReviewItemResult } from './decide.ts';
export { artifactVerdict, type ArtifactVerdict, type ArtifactVerdictInput } from './artifact-verdict.ts';
export { EDIT_DISTANCE_TEXT, measureEdit, type DraftText } from './edit-distance.ts';
export { REJECT_REASON_LABELS } from './reject-reasons.ts';
