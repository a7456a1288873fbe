#pragma once
// The rules of `lathe check`, item by item. Each item is PASS, WARN or FAIL with the figure, the
// threshold and a one-line reason (lathe/check/verdict.h). Thresholds and where they come from:
//
// loudness        |integrated - target|: PASS <= 1 LU, WARN <= 3 LU, else FAIL (streaming and other
//                 normalised targets). Broadcast (ebu-r128, atsc-a85): PASS <= 0.5 LU, WARN <= 1 LU
//                 (EBU R 128: target -23 LUFS, +-0.5 LU for file delivery, +-1 LU where exact
//                 normalisation is impractical). CD (no playback normalisation): WARN at most.
// platform-*      what each streaming platform does (platform_normalisation.h): WARN when a quiet
//                 master ends up more than 1 LU under the platform's reference (peak-limited boost,
//                 or a platform that never raises), PASS otherwise.
// true-peak       true peak <= ceiling: PASS, else FAIL.
// clipping        runs of >= 3 full-scale samples (the analyzer's clipped runs): none PASS, else FAIL.
// inter-sample-overs  4x-oversampled overs of full scale between samples below it: none PASS, else FAIL.
// plr             peak-to-loudness ratio (true peak - integrated; EBU Tech 3342's PLR): PASS >= the
//                 target's PLR floor (9 dB at -14 LUFS, targets.h), WARN >= 6 dB, FAIL below: under
//                 6 dB the master has been limited hard enough to flatten its transients (the loudness
//                 war's symptom; Ian Shepherd / MeterPlugs "Dynameter" guidance).
// psr             peak-to-short-term-loudness ratio, defined here as true peak - MAXIMUM short-term
//                 loudness (3 s window): the PSR of the loudest passage. PASS >= 8 dB, WARN >= 6 dB,
//                 FAIL below (Ian Shepherd: PSR 8 or more keeps the punch; 6 and under is squashed).
// dr              TT Dynamic Range (Pleasurize Music Foundation's DR meter): PASS >= the target's PLR
//                 floor - 1 (DR8 for streaming, DR7 for CD), WARN from DR5, FAIL <= DR4 (the meter's
//                 own red zone starts at DR7, where loud modern masters sit; DR4 and under are the
//                 loudness war's casualties).
// tonal-low       mean balance deviation over 63-250 Hz: > +4 dB boomy, < -4 dB thin (WARN);
// tonal-high      mean over 5-12.5 kHz: > +4 dB bright, < -4 dB dark (WARN);
// tonal-harsh     mean over 2-5 kHz: > +4 dB harsh (WARN). Any of them beyond 10 dB: FAIL.
//                 Deviation: from the target balance (tonal_balance.h) or the reference track.
// phase-correlation   Pearson L/R: PASS >= 0, WARN >= -0.3, FAIL below (out of phase).
// side-to-mid     PASS <= -3 dB, WARN <= 0 dB (very wide), FAIL above (more side than mid: phase).
// low-frequency-width side/mid up to 125 Hz: PASS <= -10 dB, WARN above (wide bass collapses or
//                 cancels on mono club systems and cannot be cut to vinyl).
// mono-fold-down  integrated(mono) - integrated: PASS >= -3.5 LU, WARN >= -6 LU, FAIL below.
// dc-offset       PASS < -60 dBFS, WARN < -40 dBFS, FAIL at or above (1 % of full scale).
// head-silence    PASS <= 1 s, WARN above. tail-silence: PASS <= 3 s, WARN above (-60 dBFS).
// sample-rate     targets with a fixed rate (CD: 44.1 kHz): FAIL when different. Otherwise WARN
//                 under 44.1 kHz.
// bit-depth       targets with a fixed encoding (CD: 16-bit): FAIL when different. Otherwise WARN for
//                 float files (distributors take 16 or 24-bit integer), PASS for 16 and 24 bit.
// dither          truncation_detector.h: undithered staircase found: WARN.
// translation-*   translation.h: any problem on that playback system: WARN.
// codec-*         codec_preview.h: a decoded copy with clipped samples, inter-sample overs or a
//                 true peak over 0 dBTP: WARN (with the ceiling that would avoid it). A codec that
//                 could not run: WARN.

#include "lathe/check/check.h"
#include "lathe/check/verdict.h"

namespace lathe::check {

[[nodiscard]] Verdict evaluateVerdict(const CheckReport& report);

}  // namespace lathe::check
