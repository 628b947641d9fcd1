using System.Runtime.InteropServices;

namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>Owns one native decoder (configuration + <c>ps_decoder_t</c>). Not thread-safe.</summary>
internal sealed class PocketSphinxDecoder : IDisposable
{
    private IntPtr _config;
    private IntPtr _ps;

    public PocketSphinxDecoder(PocketSphinxOptions options, bool narrowband = false)
    {
        var args = BuildArguments(options, narrowband);
        foreach (var file in new[] { options.AcousticModel, options.LanguageModel, options.Dictionary })
        {
            if (!Path.Exists(file))
            {
                throw new SpeechProviderException($"pocketsphinx model file missing: {file}");
            }
        }

        var argv = new IntPtr[args.Count];
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                argv[i] = Marshal.StringToCoTaskMemUTF8(args[i]);
            }

            _config = PocketSphinxNative.cmd_ln_parse_r(IntPtr.Zero, PocketSphinxNative.ps_args(), argv.Length, argv, 1);
        }
        finally
        {
            foreach (var p in argv)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }

        if (_config == IntPtr.Zero)
        {
            throw new SpeechProviderException("pocketsphinx rejected its configuration: " + string.Join(' ', args));
        }

        _ps = PocketSphinxNative.ps_init(_config);
        if (_ps == IntPtr.Zero)
        {
            PocketSphinxNative.cmd_ln_free_r(_config);
            _config = IntPtr.Zero;
            throw new SpeechProviderException("pocketsphinx could not load its model.");
        }

        foreach (var (word, phones) in options.CustomWords)
        {
            AddWord(word, phones);
        }
    }

    /// <summary>
    /// The decoder's arguments: model files, then <see cref="PocketSphinxOptions.TunedArguments"/>, the narrowband
    /// set when asked, then <see cref="PocketSphinxOptions.ExtraArguments"/>. A later value of the same name
    /// replaces an earlier one (<c>cmd_ln_parse_r</c> rejects duplicates).
    /// </summary>
    internal static List<string> BuildArguments(PocketSphinxOptions options, bool narrowband)
    {
        var named = new List<KeyValuePair<string, string>>();
        void Add(IEnumerable<string> pairs)
        {
            var list = pairs.ToList();
            if (list.Count % 2 != 0)
            {
                throw new SpeechProviderException("pocketsphinx arguments must come as name/value pairs: " + string.Join(' ', list));
            }

            for (var i = 0; i < list.Count; i += 2)
            {
                var index = named.FindIndex(kv => kv.Key == list[i]);
                if (index >= 0)
                {
                    named[index] = new(list[i], list[i + 1]);
                }
                else
                {
                    named.Add(new(list[i], list[i + 1]));
                }
            }
        }

        var dictionary = options.VocabularySize > 0
            ? Vocabulary.PrunedDictionary(options.LanguageModel, options.Dictionary, options.VocabularySize)
            : options.Dictionary;
        Add(["-hmm", options.AcousticModel, "-lm", options.LanguageModel, "-dict", dictionary, "-logfn", "/dev/null"]);
        Add(PocketSphinxOptions.TunedArguments);
        if (narrowband)
        {
            Add(["-hmm", NarrowbandModel.Directory(options.AcousticModel, options.NarrowbandCmnInit)]);
            Add(options.NarrowbandArguments);
            if (!string.IsNullOrEmpty(options.NarrowbandMllr))
            {
                // pocketsphinx reports a missing transform only in its log (sent to /dev/null) and fails ps_init.
                if (!File.Exists(options.NarrowbandMllr))
                {
                    throw new SpeechProviderException($"pocketsphinx narrowband MLLR transform not found: {options.NarrowbandMllr}");
                }

                Add(["-mllr", options.NarrowbandMllr]);
            }
        }

        Add(options.ExtraArguments);
        return [.. named.SelectMany(kv => new[] { kv.Key, kv.Value })];
    }

    public bool InUtterance { get; private set; }

    public bool IsKnownWord(string word)
    {
        var p = PocketSphinxNative.ps_lookup_word(_ps, word.ToLowerInvariant());
        return p != IntPtr.Zero;
    }

    public bool AddWord(string word, string phones) =>
        PocketSphinxNative.ps_add_word(_ps, word.ToLowerInvariant(), phones.ToUpperInvariant(), 1) >= 0;

    public void StartUtterance()
    {
        if (PocketSphinxNative.ps_start_utt(_ps) < 0)
        {
            throw new SpeechProviderException("ps_start_utt failed.");
        }

        InUtterance = true;
    }

    public unsafe void Process(ReadOnlySpan<short> samples)
    {
        fixed (short* p = samples)
        {
            if (PocketSphinxNative.ps_process_raw(_ps, p, (nuint)samples.Length, 0, 0) < 0)
            {
                throw new SpeechProviderException("ps_process_raw failed.");
            }
        }
    }

    public void EndUtterance()
    {
        InUtterance = false;
        if (PocketSphinxNative.ps_end_utt(_ps) < 0)
        {
            throw new SpeechProviderException("ps_end_utt failed.");
        }
    }

    public string Hypothesis()
    {
        var p = PocketSphinxNative.ps_get_hyp(_ps, out _);
        return p == IntPtr.Zero ? string.Empty : Marshal.PtrToStringUTF8(p) ?? string.Empty;
    }

    public double Posterior()
    {
        var lm = PocketSphinxNative.ps_get_logmath(_ps);
        return Math.Clamp(PocketSphinxNative.logmath_exp(lm, PocketSphinxNative.ps_get_prob(_ps)), 0, 1);
    }

    /// <summary>Word segments of the last hypothesis: word, start and end frame (10 ms), posterior.</summary>
    public List<(string Word, int Start, int End, double Posterior)> Segments()
    {
        var list = new List<(string, int, int, double)>();
        var lm = PocketSphinxNative.ps_get_logmath(_ps);
        var seg = PocketSphinxNative.ps_seg_iter(_ps);
        while (seg != IntPtr.Zero)
        {
            var word = Marshal.PtrToStringUTF8(PocketSphinxNative.ps_seg_word(seg)) ?? string.Empty;
            PocketSphinxNative.ps_seg_frames(seg, out var sf, out var ef);
            var prob = PocketSphinxNative.ps_seg_prob(seg, out _, out _, out _);
            list.Add((word, sf, ef, Math.Clamp(PocketSphinxNative.logmath_exp(lm, prob), 0, 1)));
            seg = PocketSphinxNative.ps_seg_next(seg); // frees the iterator when it returns NULL
        }

        return list;
    }

    public void Dispose()
    {
        if (_ps != IntPtr.Zero)
        {
            PocketSphinxNative.ps_free(_ps);
            _ps = IntPtr.Zero;
        }

        if (_config != IntPtr.Zero)
        {
            PocketSphinxNative.cmd_ln_free_r(_config);
            _config = IntPtr.Zero;
        }
    }
}
