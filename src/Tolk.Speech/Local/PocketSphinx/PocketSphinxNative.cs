using System.Runtime.InteropServices;

namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>P/Invoke of pocketsphinx 5prealpha (Debian libpocketsphinx3) and the sphinxbase calls it needs.</summary>
internal static partial class PocketSphinxNative
{
    private const string Ps = "libpocketsphinx.so.3";
    private const string Sb = "libsphinxbase.so.3";

    [LibraryImport(Ps, EntryPoint = "ps_args")]
    internal static partial IntPtr ps_args();

    // cmd_ln_parse_r is the non-variadic way to build a configuration (cmd_ln_init is variadic).
    [LibraryImport(Sb, EntryPoint = "cmd_ln_parse_r")]
    internal static partial IntPtr cmd_ln_parse_r(IntPtr inoutCmdln, IntPtr defn, int argc, IntPtr[] argv, int strict);

    [LibraryImport(Sb, EntryPoint = "cmd_ln_free_r")]
    internal static partial int cmd_ln_free_r(IntPtr cmdln);

    [LibraryImport(Ps, EntryPoint = "ps_init")]
    internal static partial IntPtr ps_init(IntPtr config);

    [LibraryImport(Ps, EntryPoint = "ps_free")]
    internal static partial int ps_free(IntPtr ps);

    [LibraryImport(Ps, EntryPoint = "ps_start_utt")]
    internal static partial int ps_start_utt(IntPtr ps);

    [LibraryImport(Ps, EntryPoint = "ps_process_raw")]
    internal static unsafe partial int ps_process_raw(IntPtr ps, short* data, nuint nSamples, int noSearch, int fullUtt);

    [LibraryImport(Ps, EntryPoint = "ps_end_utt")]
    internal static partial int ps_end_utt(IntPtr ps);

    [LibraryImport(Ps, EntryPoint = "ps_get_hyp")]
    internal static partial IntPtr ps_get_hyp(IntPtr ps, out int bestScore);

    [LibraryImport(Ps, EntryPoint = "ps_get_prob")]
    internal static partial int ps_get_prob(IntPtr ps);

    [LibraryImport(Ps, EntryPoint = "ps_seg_iter")]
    internal static partial IntPtr ps_seg_iter(IntPtr ps);

    [LibraryImport(Ps, EntryPoint = "ps_seg_next")]
    internal static partial IntPtr ps_seg_next(IntPtr seg);

    [LibraryImport(Ps, EntryPoint = "ps_seg_word")]
    internal static partial IntPtr ps_seg_word(IntPtr seg);

    [LibraryImport(Ps, EntryPoint = "ps_seg_frames")]
    internal static partial void ps_seg_frames(IntPtr seg, out int startFrame, out int endFrame);

    [LibraryImport(Ps, EntryPoint = "ps_seg_prob")]
    internal static partial int ps_seg_prob(IntPtr seg, out int acousticScore, out int lmScore, out int lmBackoff);

    [LibraryImport(Ps, EntryPoint = "ps_seg_free")]
    internal static partial void ps_seg_free(IntPtr seg);

    [LibraryImport(Ps, EntryPoint = "ps_get_logmath")]
    internal static partial IntPtr ps_get_logmath(IntPtr ps);

    [LibraryImport(Sb, EntryPoint = "logmath_exp")]
    internal static partial double logmath_exp(IntPtr logmath, int logbP);

    [LibraryImport(Ps, EntryPoint = "ps_add_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ps_add_word(IntPtr ps, string word, string phones, int update);

    [LibraryImport(Ps, EntryPoint = "ps_lookup_word", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ps_lookup_word(IntPtr ps, string word);

    [LibraryImport(Sb, EntryPoint = "err_set_logfile", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int err_set_logfile(string path);

    [LibraryImport(Sb, EntryPoint = "logmath_init")]
    internal static partial IntPtr logmath_init(double logBase, int shift, int useTable);

    [LibraryImport(Sb, EntryPoint = "logmath_free")]
    internal static partial int logmath_free(IntPtr logmath);

    // fileType 0 is NGRAM_AUTO; a NULL config takes sphinxbase's defaults.
    [LibraryImport(Sb, EntryPoint = "ngram_model_read", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ngram_model_read(IntPtr config, string fileName, int fileType, IntPtr logmath);

    [LibraryImport(Sb, EntryPoint = "ngram_model_free")]
    internal static partial int ngram_model_free(IntPtr model);

    /// <summary>The model's n-gram counts (uint32 per order; the first is the number of unigrams).</summary>
    [LibraryImport(Sb, EntryPoint = "ngram_model_get_counts")]
    internal static partial IntPtr ngram_model_get_counts(IntPtr model);

    [LibraryImport(Sb, EntryPoint = "ngram_word")]
    internal static partial IntPtr ngram_word(IntPtr model, int wordId);

    [LibraryImport(Sb, EntryPoint = "ngram_prob")]
    internal static partial int ngram_prob(IntPtr model, IntPtr[] words, int count);
}
