#pragma once
// Written intent: the plain words a mastering client writes ("warmer, more low end, keep it dynamic")
// mapped to bounded, documented adjustments. Unknown words are reported, never silently ignored.
//
// Phrases (and synonyms) -> adjustment at full strength; "a bit", "slightly", "a little" halve it,
// "much", "a lot", "very", "way" make it 1.5x. Each tonal total is clamped to +-3 dB, width to
// +-30 %, loudness to +-3 LU.
//   warmer            low-mid shelf +1 dB at 250 Hz, air -0.5 dB
//   darker            air -1.5 dB, presence -0.5 dB
//   brighter          air shelf +1.5 dB at 10 kHz
//   more low end      low shelf +1.5 dB at 100 Hz        less low end / less boomy  -1.5 dB
//   less muddy        low-mid bell -1.5 dB at 300 Hz
//   less harsh        presence bell -1.5 dB at 3.5 kHz
//   vocal forward     presence bell +1 dB at 2.5 kHz, low-mid -0.5 dB
//   more punch        slower compressor attack, transient-friendly release
//   wider / narrower  side level +15 % / -15 %
//   keep it dynamic   PLR floor +2 dB, no glue compression
//   louder / quieter  loudness target +2 LU / -2 LU (still bounded by the guardrails)

#include <string>
#include <vector>

namespace lathe::mastering {

struct IntentAdjustments {
    double lowShelfDb = 0.0;     // 100 Hz shelf
    double lowMidDb = 0.0;       // 250-300 Hz
    double presenceDb = 0.0;     // 2.5-3.5 kHz
    double airDb = 0.0;          // 10 kHz shelf
    double widthPercent = 0.0;   // added to 100 % width
    double loudnessOffsetLu = 0.0;
    double punch = 0.0;          // 0..1.5
    bool keepDynamic = false;
};

struct Intent {
    std::string text;
    IntentAdjustments adjustments;
    std::vector<std::string> understood;  // one line per recognised phrase: "warmer: low-mid +1.0 dB ..."
    std::vector<std::string> unknownWords;
};

Intent parseIntent(const std::string& text);

}  // namespace lathe::mastering
