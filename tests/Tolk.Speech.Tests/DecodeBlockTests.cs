using Tolk.Speech.Audio;
using Tolk.Speech.Local.PocketSphinx;
using Tolk.Speech.Tests.Support;
using Xunit;

namespace Tolk.Speech.Tests;

/// <summary>
/// A call's 20 ms frames reach pocketsphinx in blocks (<see cref="PocketSphinxOptions.DecodeBlockFrames"/>), for CPU:
/// the block's rest must still be decoded when the phrase ends, and the result must not depend on the block size.
/// </summary>
public sealed class DecodeBlockTests
{
    private static short[] SpeechOnly(short[] clip)
    {
        // Cut 40 ms after the last loud sample, so the phrase's last word ends inside an unfinished block.
        var last = Array.FindLastIndex(clip, s => Math.Abs((int)s) > 500);
        return clip[..Math.Min(clip.Length, last + 640)];
    }

    private static async Task<(string Final, int InterimsBeforeFlush)> RecogniseAsync(int blockFrames, short[] clip)
    {
        var recognizer = new PocketSphinxRecognizer(new PocketSphinxOptions { Bandwidth = AudioBandwidth.Wideband, DecodeBlockFrames = blockFrames, InterimEveryFrames = 5 });
        await using var stream = await recognizer.StartStreamAsync(new RecognitionOptions("en"), SpeechContext.None);
        for (var o = 0; o < clip.Length; o += SpeechAudio.FrameSamples)
        {
            await stream.PushAudioAsync(clip.AsMemory(o, Math.Min(SpeechAudio.FrameSamples, clip.Length - o)));
        }

        var interims = 0;
        var final = string.Empty;
        await stream.FlushAsync();
        await stream.CompleteAsync();
        var flushed = false;
        await foreach (var e in stream.ReadEventsAsync())
        {
            switch (e)
            {
                case InterimResultEvent when !flushed:
                    interims++;
                    break;
                case FinalResultEvent f:
                    final = f.Text;
                    flushed = true;
                    break;
            }
        }

        return (final, interims);
    }

    [Fact]
    public async Task Last_words_in_an_unfinished_block_are_recognised_at_the_phrase_end()
    {
        var clip = SpeechOnly(SpeechCorpus.Load(SpeechCorpus.Wide(0, "slt")));
        Assert.True(clip.Length < 100 * SpeechAudio.FrameSamples, "the clip must fit inside one block");

        var framed = await RecogniseAsync(1, clip);
        var blocked = await RecogniseAsync(100, clip);

        Assert.Contains("today", framed.Final, StringComparison.Ordinal);
        Assert.Equal(framed.Final, blocked.Final);
    }

    [Fact]
    public async Task Frames_wait_for_their_block_before_they_are_decoded()
    {
        var clip = SpeechOnly(SpeechCorpus.Load(SpeechCorpus.Wide(1, "rms")));
        Assert.True(clip.Length < 200 * SpeechAudio.FrameSamples);

        var framed = await RecogniseAsync(1, clip);
        var blocked = await RecogniseAsync(200, clip);

        // Frame by frame the decoder has a partial hypothesis while the phrase is spoken; with a block longer than the
        // phrase it has seen nothing until the flush.
        Assert.True(framed.InterimsBeforeFlush > 0);
        Assert.Equal(0, blocked.InterimsBeforeFlush);
        Assert.Equal(framed.Final, blocked.Final);
    }
}
