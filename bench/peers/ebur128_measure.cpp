// The peer measurement for bench/analyze_vs_libebur128.sh: reads a file with libsndfile and runs
// libebur128 (EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK) over it, then prints
// integrated loudness, loudness range and true peak as one JSON object:
//   {"integrated_lufs": -14.2, "loudness_range_lu": 6.1, "true_peak_dbtp": -0.3}
// Usage: ebur128_measure FILE
#include <ebur128.h>
#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: ebur128_measure FILE\n");
        return 2;
    }
    SF_INFO info{};
    SNDFILE* file = sf_open(argv[1], SFM_READ, &info);
    if (!file) {
        std::fprintf(stderr, "ebur128_measure: %s: %s\n", argv[1], sf_strerror(nullptr));
        return 1;
    }
    ebur128_state* state = ebur128_init(unsigned(info.channels), unsigned(info.samplerate),
                                        EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK);
    if (!state) {
        std::fprintf(stderr, "ebur128_measure: cannot initialise libebur128\n");
        sf_close(file);
        return 1;
    }
    constexpr sf_count_t kBlockFrames = 65536;
    std::vector<float> interleaved(std::size_t(kBlockFrames) * std::size_t(info.channels));
    sf_count_t got = 0;
    while ((got = sf_readf_float(file, interleaved.data(), kBlockFrames)) > 0)
        ebur128_add_frames_float(state, interleaved.data(), std::size_t(got));
    sf_close(file);

    double integrated = 0, range = 0, truePeak = 0;
    ebur128_loudness_global(state, &integrated);
    ebur128_loudness_range(state, &range);
    for (unsigned c = 0; c < unsigned(info.channels); ++c) {
        double channelPeak = 0;
        ebur128_true_peak(state, c, &channelPeak);
        truePeak = std::fmax(truePeak, channelPeak);
    }
    ebur128_destroy(&state);
    const auto number = [](double value) {
        static char text[4][32];
        static int slot = 0;
        char* out = text[slot++ % 4];
        if (std::isfinite(value)) std::snprintf(out, 32, "%.2f", value);
        else std::snprintf(out, 32, "null");
        return out;
    };
    std::printf("{\"integrated_lufs\": %s, \"loudness_range_lu\": %s, \"true_peak_dbtp\": %s}\n", number(integrated),
                number(range), number(truePeak > 0 ? 20 * std::log10(truePeak) : -INFINITY));
    return 0;
}
