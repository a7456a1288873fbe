// `lathe demo-mix OUT.wav`: writes the built-in synthesised, unmastered 30 s stereo mix (24-bit 48 kHz).
#include <lathe/audio_file.h>
#include <lathe/synth/demo_mix.h>

#include "commands.h"

namespace lathe::cli {

void registerDemoMixCommand(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("demo-mix", "Write the built-in demo mix (30 s, 24-bit 48 kHz stereo, unmastered)");
    auto output = std::make_shared<std::string>();
    auto seconds = std::make_shared<double>(30.0);
    command->add_option("OUT", *output, "Output file (.wav, .aiff or .flac)")->required();
    command->add_option("--seconds", *seconds, "Length in seconds")->check(CLI::Range(1.0, 600.0));
    command->callback([&context, output, seconds] {
        auto format = formatFromExtension(*output);
        if (!format) {
            context.exitCode = reportError(format.error().message);
            return;
        }
        synth::DemoMixParams params;
        params.seconds = *seconds;
        const AudioBuffer mix = synth::makeDemoMix(params);
        WriteOptions options;
        options.format = *format;
        options.encoding = SampleEncoding::Pcm24;
        if (auto status = writeAudioFile(*output, mix.block(), params.sampleRate, options); !status) {
            context.exitCode = reportError(status.error().message);
            return;
        }
        std::printf("wrote %s (%.1f s, 48000 Hz, 24-bit stereo)\n", output->c_str(), params.seconds);
    });
}

}  // namespace lathe::cli
