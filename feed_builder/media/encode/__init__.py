"""The encode stage: any master in, the published renditions out, at the show's loudness.

Masters Apple cannot play (or every master, with `normalize = true`) are measured, levelled by a
linear gain with an oversampled true-peak limiter behind it, encoded, and the encoded file is
measured again: lossy encoders move loudness and peaks, so only the published bytes are trusted.
Results are cached under the build's private folder, keyed by the master's content, the settings,
the ffmpeg build and this stage's code.
"""
