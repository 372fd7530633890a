/** Injection token of the sample's {@link SampleConfig}. */
export const SAMPLE_CONFIG = 'SAMPLE:CONFIG';
