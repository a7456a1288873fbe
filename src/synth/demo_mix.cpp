// Demo mix synthesis: additive/subtractive voices summed into a stereo bus, then scaled so the
// sample peak sits at params.peakDbfs. Everything derives from a fixed seed: bit-identical output.
#include "lathe/synth/demo_mix.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "util/random.h"

namespace lathe::synth {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kBpm = 120.0;

double midiToHz(double note) { return 440.0 * std::pow(2.0, (note - 69.0) / 12.0); }

// Band-limited-enough sawtooth via PolyBLEP (Valimaki & Huovilainen 2007).
double polyBlep(double t, double dt) {
    if (t < dt) {
        t /= dt;
        return t + t - t * t - 1.0;
    }
    if (t > 1.0 - dt) {
        t = (t - 1.0) / dt;
        return t * t + t + t + 1.0;
    }
    return 0.0;
}

struct Bus {
    AudioBuffer audio;
    double rate;
    void add(std::size_t frame, double left, double right) {
        if (frame >= audio.numFrames()) return;
        audio.channel(0)[frame] += float(left);
        audio.channel(1)[frame] += float(right);
    }
};

void addKick(Bus& bus, double startSeconds, double gain) {
    const auto start = std::size_t(startSeconds * bus.rate);
    const auto length = std::size_t(0.45 * bus.rate);
    double phase = 0.0;
    for (std::size_t i = 0; i < length; ++i) {
        const double t = double(i) / bus.rate;
        const double frequency = 48.0 + 110.0 * std::exp(-t / 0.035);
        phase += kTwoPi * frequency / bus.rate;
        const double body = std::sin(phase) * std::exp(-t / 0.16);
        const double click = (t < 0.004) ? std::sin(kTwoPi * 2500.0 * t) * (1.0 - t / 0.004) * 0.6 : 0.0;
        const double attack = std::min(1.0, t / 0.0005);
        const double s = gain * attack * (body + click);
        bus.add(start + i, s, s);
    }
}

void addSnare(Bus& bus, Random& random, double startSeconds, double gain) {
    const auto start = std::size_t(startSeconds * bus.rate);
    const auto length = std::size_t(0.3 * bus.rate);
    double previousNoise = 0.0;
    for (std::size_t i = 0; i < length; ++i) {
        const double t = double(i) / bus.rate;
        const double white = random.bipolar();
        const double bright = white - 0.6 * previousNoise;  // gentle high-pass tilt
        previousNoise = white;
        const double noise = bright * std::exp(-t / 0.09);
        const double tone = std::sin(kTwoPi * 185.0 * t) * std::exp(-t / 0.05);
        const double attack = std::min(1.0, t / 0.0003);
        const double s = gain * attack * (0.55 * noise + 0.7 * tone);
        bus.add(start + i, s * 1.02, s * 0.98);
    }
}

void addHat(Bus& bus, Random& random, double startSeconds, double gain, double pan) {
    const auto start = std::size_t(startSeconds * bus.rate);
    const auto length = std::size_t(0.06 * bus.rate);
    double previous = 0.0;
    for (std::size_t i = 0; i < length; ++i) {
        const double t = double(i) / bus.rate;
        const double white = random.bipolar();
        const double high = white - previous;  // first difference: +6 dB/octave
        previous = white;
        const double s = gain * 0.5 * high * std::exp(-t / 0.018);
        bus.add(start + i, s * (1.0 - pan), s * (1.0 + pan));
    }
}

// Detuned sawtooth note with a one-pole low-pass and an attack/release envelope.
void addSawNote(Bus& bus, double startSeconds, double seconds, double note, double gain, double cutoffHz,
                double detuneCents, double pan, double attackSeconds, double releaseSeconds) {
    const auto start = std::size_t(startSeconds * bus.rate);
    const auto length = std::size_t((seconds + releaseSeconds) * bus.rate);
    const double baseHz = midiToHz(note);
    const std::array<double, 2> voiceHz = {baseHz * std::pow(2.0, detuneCents / 1200.0),
                                           baseHz * std::pow(2.0, -detuneCents / 1200.0)};
    std::array<double, 2> phase = {0.0, 0.37};
    std::array<double, 2> lowpass = {0.0, 0.0};
    const double alpha = 1.0 - std::exp(-kTwoPi * cutoffHz / bus.rate);
    for (std::size_t i = 0; i < length; ++i) {
        const double t = double(i) / bus.rate;
        double envelope = std::min(1.0, t / attackSeconds);
        if (t > seconds) envelope *= std::exp(-(t - seconds) / (releaseSeconds / 4.0));
        std::array<double, 2> out{};
        for (std::size_t v = 0; v < 2; ++v) {
            const double dt = voiceHz[v] / bus.rate;
            phase[v] += dt;
            if (phase[v] >= 1.0) phase[v] -= 1.0;
            const double saw = 2.0 * phase[v] - 1.0 - polyBlep(phase[v], dt);
            lowpass[v] += alpha * (saw - lowpass[v]);
            out[v] = lowpass[v];
        }
        // Voice 0 leans left, voice 1 right: a naturally wide pad.
        const double left = gain * envelope * (0.7 * out[0] + 0.3 * out[1]) * (1.0 - pan);
        const double right = gain * envelope * (0.3 * out[0] + 0.7 * out[1]) * (1.0 + pan);
        bus.add(start + i, left, right);
    }
}

// Sine note with the bass's envelope (attack, hold, release): a bass without harmonics (test variant).
void addSineNote(Bus& bus, double startSeconds, double seconds, double note, double gain, double attackSeconds,
                 double releaseSeconds) {
    const auto start = std::size_t(startSeconds * bus.rate);
    const auto length = std::size_t((seconds + releaseSeconds) * bus.rate);
    const double hz = midiToHz(note);
    for (std::size_t i = 0; i < length; ++i) {
        const double t = double(i) / bus.rate;
        double envelope = std::min(1.0, t / attackSeconds);
        if (t > seconds) envelope *= std::exp(-(t - seconds) / (releaseSeconds / 4.0));
        const double s = gain * envelope * std::sin(kTwoPi * hz * t);
        bus.add(start + i, s, s);
    }
}

void addLeadNote(Bus& bus, double startSeconds, double seconds, double note, double gain) {
    const auto start = std::size_t(startSeconds * bus.rate);
    const auto length = std::size_t((seconds + 0.15) * bus.rate);
    const double hz = midiToHz(note);
    double phase = 0.0;
    for (std::size_t i = 0; i < length; ++i) {
        const double t = double(i) / bus.rate;
        const double vibrato = 1.0 + 0.004 * std::sin(kTwoPi * 5.5 * t) * std::min(1.0, t / 0.3);
        phase += kTwoPi * hz * vibrato / bus.rate;
        // A few odd and even harmonics: a reedy, vocal-range lead.
        const double tone = std::sin(phase) + 0.45 * std::sin(2 * phase) + 0.3 * std::sin(3 * phase) +
                            0.12 * std::sin(5 * phase);
        double envelope = std::min(1.0, t / 0.015);
        if (t > seconds) envelope *= std::exp(-(t - seconds) / 0.04);
        const double s = gain * envelope * tone;
        bus.add(start + i, s * 0.95, s * 1.05);
    }
}

}  // namespace

AudioBuffer makeDemoMix(const DemoMixParams& params) {
    const double rate = params.sampleRate;
    const auto frames = std::size_t(std::llround(params.seconds * rate));
    Bus drums{AudioBuffer(2, frames), rate};
    Bus music{AudioBuffer(2, frames), rate};
    Bus lead{AudioBuffer(2, frames), rate};
    Random random(20261123);

    const double beat = 60.0 / kBpm;
    const double bar = 4.0 * beat;
    const auto bars = int(params.seconds / bar);
    // i - VI - III - VII in A minor: Am F C G (root MIDI notes for the bass, triads for the pad).
    const std::array<double, 4> roots = {45, 41, 48, 43};
    const std::array<std::array<double, 3>, 4> triads = {{{57, 60, 64}, {57, 60, 65}, {55, 60, 64}, {55, 59, 62}}};
    const std::array<double, 16> melody = {69, 72, 74, 76, 74, 72, 69, 67, 69, 72, 76, 79, 76, 74, 72, 74};

    for (int b = 0; b < bars; ++b) {
        const double t0 = b * bar;
        const auto chord = std::size_t(b % 4);
        const bool intro = b < 2;
        const bool outro = b >= bars - 1;
        for (int q = 0; q < 4; ++q) {
            const double t = t0 + q * beat;
            if (!intro && (q == 0 || q == 2)) addKick(drums, t, 0.9);
            if (!intro && q == 2 && b % 2 == 1) addKick(drums, t + beat / 2, 0.6);
            if (!intro && (q == 1 || q == 3)) addSnare(drums, random, t, 0.42);
            for (int e = 0; e < 2; ++e) addHat(drums, random, t + e * beat / 2, e ? 0.12 : 0.18, 0.25);
        }
        for (int e = 0; e < 8; ++e) {
            const double octave = (e % 4 == 3 && !params.sineBass) ? 12.0 : 0.0;
            const double note = roots[chord] + octave + params.bassTransposeSemitones;
            if (!intro && params.sineBass) addSineNote(music, t0 + e * beat / 2, beat / 2 * 0.8, note, 0.33, 0.004, 0.05);
            else if (!intro) addSawNote(music, t0 + e * beat / 2, beat / 2 * 0.8, note, 0.33, 380.0, 3.0, 0.0, 0.004, 0.05);
        }
        for (double note : triads[chord])
            addSawNote(music, t0, bar * 0.98, note, 0.075, 2200.0, 9.0, 0.0, 0.12, 0.4);
        if (b >= 4 && !outro) {
            for (int n = 0; n < 4; ++n) {
                const double note = melody[std::size_t((b * 4 + n) % 16)];
                addLeadNote(lead, t0 + n * beat, beat * 0.85, note, 0.07);
            }
        }
    }

    // Lead echo: dotted-eighth delay, ping-pong, 35 % feedback.
    const auto delayFrames = std::size_t(0.75 * beat * rate);
    AudioBuffer echoed = lead.audio;
    for (std::size_t i = delayFrames; i < frames; ++i) {
        echoed.channel(0)[i] += 0.35f * echoed.channel(1)[i - delayFrames];
        echoed.channel(1)[i] += 0.35f * echoed.channel(0)[i - delayFrames];
    }

    AudioBuffer mix(2, frames);
    float peak = 0.0f;
    for (int c = 0; c < 2; ++c) {
        auto out = mix.channel(c);
        for (std::size_t i = 0; i < frames; ++i) {
            out[i] = drums.audio.channel(c)[i] + 0.48f * music.audio.channel(c)[i] + 0.6f * echoed.channel(c)[i];
            peak = std::max(peak, std::abs(out[i]));
        }
    }
    // Fade the last 1.5 s so the mix ends cleanly.
    const auto fade = std::size_t(1.5 * rate);
    const float scale = float(std::pow(10.0, params.peakDbfs / 20.0) / std::max(peak, 1e-9f));
    for (int c = 0; c < 2; ++c) {
        auto out = mix.channel(c);
        for (std::size_t i = 0; i < frames; ++i) {
            const std::size_t fromEnd = frames - i;
            const float fadeGain = fromEnd < fade ? float(fromEnd) / float(fade) : 1.0f;
            out[i] *= scale * fadeGain;
        }
    }
    return mix;
}

}  // namespace lathe::synth
