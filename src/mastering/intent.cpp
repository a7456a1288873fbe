#include "lathe/mastering/intent.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <functional>
#include <set>
#include <sstream>

namespace lathe::mastering {
namespace {

struct Phrase {
    std::vector<std::string> words;  // e.g. {"more", "low", "end"}
    const char* meaning;
    std::function<void(IntentAdjustments&, double)> apply;  // strength 0.5 / 1 / 1.5
};

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (char raw : text) {
        const auto ch = static_cast<unsigned char>(raw);
        if (std::isalnum(ch) || ch == '-' || ch == '\'') {
            word += char(std::tolower(ch));
        } else {
            if (!word.empty()) words.push_back(word);
            word.clear();
            if (raw == ',' || raw == ';' || raw == '.' || raw == '!') words.emplace_back(",");
        }
    }
    if (!word.empty()) words.push_back(word);
    // "low-end" and "vocal-forward" read like their spaced forms.
    std::vector<std::string> out;
    for (const auto& w : words) {
        std::size_t start = 0;
        for (std::size_t dash; (dash = w.find('-', start)) != std::string::npos; start = dash + 1)
            if (dash > start) out.push_back(w.substr(start, dash - start));
        if (start < w.size()) out.push_back(w.substr(start));
    }
    return out;
}

const std::vector<Phrase>& phrases() {
    using A = IntentAdjustments;
    static const std::vector<Phrase> table = [] {
        std::vector<Phrase> t;
        auto add = [&t](std::initializer_list<const char*> forms, const char* meaning, std::function<void(A&, double)> apply) {
            for (const char* form : forms) {
                std::istringstream in(form);
                std::vector<std::string> words;
                for (std::string w; in >> w;) words.push_back(w);
                t.push_back({words, meaning, apply});
            }
        };
        add({"warmer", "warm", "more warmth", "warmth"}, "low-mid shelf +1.0 dB at 250 Hz, air -0.5 dB",
            [](A& a, double s) { a.lowMidDb += 1.0 * s; a.airDb -= 0.5 * s; });
        add({"darker", "less air", "duller"}, "air -1.5 dB, presence -0.5 dB",
            [](A& a, double s) { a.airDb -= 1.5 * s; a.presenceDb -= 0.5 * s; });
        add({"brighter", "more air", "airier", "more sparkle", "more top end", "more highs", "more treble"},
            "air shelf +1.5 dB at 10 kHz", [](A& a, double s) { a.airDb += 1.5 * s; });
        add({"more low end", "more bass", "bassier", "fuller", "more bottom", "more bottom end", "more lows"},
            "low shelf +1.5 dB at 100 Hz", [](A& a, double s) { a.lowShelfDb += 1.5 * s; });
        add({"less low end", "less bass", "less boomy", "less boom", "less bottom", "less lows", "tighter low end"},
            "low shelf -1.5 dB at 100 Hz", [](A& a, double s) { a.lowShelfDb -= 1.5 * s; });
        add({"less muddy", "less mud", "clearer", "more clarity", "cleaner", "less boxy"}, "low-mid bell -1.5 dB at 300 Hz",
            [](A& a, double s) { a.lowMidDb -= 1.5 * s; });
        add({"less harsh", "smoother", "less harshness", "less bright", "less sibilant", "less edgy", "softer highs"},
            "presence bell -1.5 dB at 3.5 kHz", [](A& a, double s) { a.presenceDb -= 1.5 * s; });
        add({"vocal forward", "vocals forward", "more vocal", "more vocals", "vocal up", "vocals up", "more presence"},
            "presence bell +1.0 dB at 2.5 kHz, low-mid -0.5 dB",
            [](A& a, double s) { a.presenceDb += 1.0 * s; a.lowMidDb -= 0.5 * s; });
        add({"more punch", "punchier", "punchy", "more impact"}, "slower compressor attack, transient-friendly release",
            [](A& a, double s) { a.punch += 1.0 * s; });
        add({"wider", "more width", "more stereo", "more spacious", "bigger stereo"}, "side level +15 %",
            [](A& a, double s) { a.widthPercent += 15.0 * s; });
        add({"narrower", "less wide", "more mono", "more focused", "more centred", "more centered"}, "side level -15 %",
            [](A& a, double s) { a.widthPercent -= 15.0 * s; });
        add({"keep it dynamic", "keep dynamic", "dynamic", "more dynamic", "keep the dynamics", "less compressed",
             "not squashed", "natural", "open"},
            "PLR floor +2 dB, no glue compression", [](A& a, double) { a.keepDynamic = true; });
        add({"louder", "more loudness", "competitive", "loud"}, "loudness target +2 LU (guardrails still apply)",
            [](A& a, double s) { a.loudnessOffsetLu += 2.0 * s; });
        add({"quieter", "softer", "less loud"}, "loudness target -2 LU",
            [](A& a, double s) { a.loudnessOffsetLu -= 2.0 * s; });
        // Longest phrases first, so "more low end" wins over "more".
        std::stable_sort(t.begin(), t.end(), [](const Phrase& x, const Phrase& y) { return x.words.size() > y.words.size(); });
        return t;
    }();
    return table;
}

const std::set<std::string>& fillerWords() {
    static const std::set<std::string> words = {",", "a", "an", "the", "it", "and", "but", "with", "please", "make",
                                                "keep", "sound", "sounding", "track", "mix", "song", "master", "to",
                                                "of", "bit", "little", "slightly", "some", "just", "overall", "more",
                                                "less", "much", "lot", "very", "way", "i", "want", "would", "like",
                                                "should", "be", "is", "too", "also", "in", "on", "my", "this", "that"};
    return words;
}

double strengthBefore(const std::vector<std::string>& words, std::size_t at) {
    auto word = [&](std::size_t back) -> std::string { return at >= back ? words[at - back] : ""; };
    if ((word(2) == "a" && (word(1) == "bit" || word(1) == "little")) || word(1) == "slightly" || word(1) == "somewhat")
        return 0.5;
    if ((word(2) == "a" && word(1) == "lot") || word(1) == "much" || word(1) == "very" || word(1) == "way") return 1.5;
    return 1.0;
}

std::string describe(const char* phrase, const char* meaning, double strength) {
    char text[256];
    std::snprintf(text, sizeof text, "%s: %s%s", phrase, meaning,
                  strength < 1.0 ? " (at half strength)" : strength > 1.0 ? " (at 1.5x strength)" : "");
    return text;
}

}  // namespace

Intent parseIntent(const std::string& text) {
    Intent intent;
    intent.text = text;
    const auto words = split(text);
    std::vector<bool> consumed(words.size(), false);
    for (std::size_t i = 0; i < words.size();) {
        const Phrase* match = nullptr;
        for (const auto& phrase : phrases()) {
            if (i + phrase.words.size() > words.size()) continue;
            if (std::equal(phrase.words.begin(), phrase.words.end(), words.begin() + std::ptrdiff_t(i))) {
                match = &phrase;
                break;
            }
        }
        if (!match) {
            ++i;
            continue;
        }
        const double strength = strengthBefore(words, i);
        match->apply(intent.adjustments, strength);
        std::string phraseText;
        for (const auto& w : match->words) phraseText += (phraseText.empty() ? "" : " ") + w;
        intent.understood.push_back(describe(phraseText.c_str(), match->meaning, strength));
        for (std::size_t k = 0; k < match->words.size(); ++k) consumed[i + k] = true;
        i += match->words.size();
    }
    for (std::size_t i = 0; i < words.size(); ++i)
        if (!consumed[i] && !fillerWords().count(words[i])) intent.unknownWords.push_back(words[i]);

    auto& a = intent.adjustments;
    for (double* db : {&a.lowShelfDb, &a.lowMidDb, &a.presenceDb, &a.airDb}) *db = std::clamp(*db, -3.0, 3.0);
    a.widthPercent = std::clamp(a.widthPercent, -30.0, 30.0);
    a.loudnessOffsetLu = std::clamp(a.loudnessOffsetLu, -3.0, 3.0);
    a.punch = std::clamp(a.punch, 0.0, 1.5);
    return intent;
}

}  // namespace lathe::mastering
