/** Review queue services: file a run's artifacts for review, list a rep's queue, decide an item. */
export { fileArtifacts, fileArtifactsMany, FileArtifactsInput, type FileArtifactsOptions, ArtifactInput, type FileArtifactsResult, type ReviewReason } from './file-artifacts.ts';
export { listReviewQueue, ListReviewQueueInput, type ReviewQueueItem, type ReviewQueueArtifact, type ReviewQueuePage } from './list-review-queue.ts';
export { isSampled, sampleDraw } from './sample.ts';
export { decideReviewItem, DecideReviewItemInput, EditedDraft, ReviewVerdict, artifactStatus, MAX_DECISION_NOTE_LENGTH, type DecideReviewItemResult } from './decide.ts';
