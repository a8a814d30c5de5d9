export { type RecordDetail, recordDetail } from './detail.ts';
export { createMasterDataMatcher, type MasterDataMatch } from './matcher.ts';
export { type MergeResult, mergeRecords, unmergeRecords } from './merge.ts';
export { approveMatch, mergeGoldenRecords, rejectMatch, unmergeGoldenRecords } from './review.ts';
export { surviveRecords, surviveSources } from './survivorship.ts';
