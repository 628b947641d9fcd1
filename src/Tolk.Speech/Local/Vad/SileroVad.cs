using Microsoft.ML.OnnxRuntime;

namespace Tolk.Speech.Local.Vad;

/// <summary>
/// Silero VAD (a small trained recurrent network, MIT, Silero Team) run on ONNX Runtime. It finds speech in noise
/// and tells it from non-stationary noise (music-like tones, modulated noise) far better than
/// <see cref="SpectralVad"/>, at ≈ 0.15 ms of one core per 20 ms of audio (≈ 10× the spectral VAD). Background
/// babble is voices, and it flags that as speech. The model is not in git: <c>scripts/fetch-models.sh</c> puts it
/// at <see cref="DefaultModelPath"/>; use <see cref="TryCreate"/> to fall back cleanly when it (or the native
/// runtime) is missing.
/// </summary>
/// <remarks>
/// <para>
/// The model works on 512-sample (32 ms) chunks. <see cref="Process"/> takes frames of any length, buffers them, runs
/// the model each time a chunk is complete and returns the probability of the most recent complete chunk, so
/// the answer lags the frame just passed by up to 32 ms (and is 0 until the first chunk is complete). That lag
/// is small against the endpointer's 100 ms start and 200–400 ms end decisions.
/// </para>
/// <para>
/// Each call gets the chunk preceded by the last 64 samples of the previous chunk (576 samples in all; zeros
/// after a reset). The model's input shape is dynamic, so a bare 512-sample chunk is accepted without error, but
/// then the output is ≈ 0 on clear speech (measured: 0.00 on every chunk of a flite sentence; 0.84–1.00 with the
/// context), so the context is not optional.
/// </para>
/// <para>
/// One <see cref="InferenceSession"/> per model file is shared by every instance in the process (ORT sessions
/// are safe to run concurrently) and limited to one thread, sequential execution: many streams share two cores,
/// and one stream must never fan out over several threads. Each instance owns its recurrent state, context and
/// pinned input/output buffers, so it is one instance per stream and not thread-safe, like every
/// <see cref="IVoiceActivityDetector"/>. Steady-state <see cref="Process"/> allocates nothing of its own.
/// </para>
/// </remarks>
public sealed class SileroVad : IVoiceActivityDetector, IDisposable
{
    /// <summary>Where <c>scripts/fetch-models.sh</c> puts the model, relative to the repository (or deployment) root.</summary>
    public const string DefaultModelPath = "models/silero/silero_vad_16k_op15.onnx";

    /// <summary>Samples the model scores at once (32 ms at 16 kHz).</summary>
    public const int ChunkSamples = 512;

    /// <summary>Samples of the previous chunk passed in front of each chunk.</summary>
    public const int ContextSamples = 64;

    private const int StateLength = 2 * 1 * 128;
    private const string InputName = "input";
    private const string StateName = "state";
    private const string RateName = "sr";
    private const string OutputName = "output";
    private const string StateOutName = "stateN";

    private static readonly Lock s_sessionsLock = new();
    private static readonly Dictionary<string, InferenceSession> s_sessions = new(StringComparer.Ordinal);
    private static readonly string[] s_outputNames = [OutputName, StateOutName];

    // [context (64) | chunk (512)], scaled to [-1, 1]; the OrtValues below wrap these arrays (pinned by them).
    private readonly float[] _input = new float[ContextSamples + ChunkSamples];
    private readonly float[] _state = new float[StateLength];
    private readonly float[] _stateOut = new float[StateLength];
    private readonly float[] _probabilityOut = new float[1];
    private readonly long[] _sampleRate = [SpeechAudio.SampleRate];
    private readonly InferenceSession _session;
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions;
    private int _filled;
    private float _probability;
    private bool _disposed;

    /// <summary>
    /// Creates a detector on the model at <paramref name="modelPath"/> (default <see cref="DefaultModelPath"/>,
    /// resolved by <see cref="ResolveModelPath"/>). Throws when the model or ONNX Runtime is unavailable; see
    /// <see cref="TryCreate"/>.
    /// </summary>
    public SileroVad(string? modelPath = null)
    {
        var path = ResolveModelPath(modelPath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Silero VAD model not found at {path} (run scripts/fetch-models.sh).", path);
        }

        _session = SharedSession(path);
        // Inputs and outputs are bound once to tensors over this instance's arrays: a run reads the arrays as they
        // are and writes its outputs into them, with no per-run result objects (measured: the name/value Run
        // overload allocated ≈ 270 bytes per chunk, the bound run none).
        var values = new List<OrtValue>(5);
        OrtIoBinding? binding = null;
        RunOptions? runOptions = null;
        try
        {
            // Per instance, not static: nothing native may run in a static initializer, or a missing libonnxruntime
            // would surface as a TypeInitializationException from any use of this type, TryCreate included.
            runOptions = new RunOptions();
            binding = _session.CreateIoBinding();
            Bind(binding.BindInput, InputName, OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]));
            Bind(binding.BindInput, StateName, OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]));
            // Some exports (the half-precision one) have no sample-rate input: pass it only when the model asks.
            if (_session.InputMetadata.ContainsKey(RateName))
            {
                Bind(binding.BindInput, RateName, OrtValue.CreateTensorValueFromMemory(_sampleRate, []));
            }

            Bind(binding.BindOutput, OutputName, OrtValue.CreateTensorValueFromMemory(_probabilityOut, [1, 1]));
            Bind(binding.BindOutput, StateOutName, OrtValue.CreateTensorValueFromMemory(_stateOut, [2, 1, 128]));
        }
        catch
        {
            binding?.Dispose();
            runOptions?.Dispose();
            values.ForEach(v => v.Dispose());
            throw;
        }

        _runOptions = runOptions;
        _binding = binding;
        _values = [.. values];

        void Bind(Action<string, OrtValue> bind, string name, OrtValue value)
        {
            values.Add(value);
            bind(name, value);
        }
    }

    /// <summary>
    /// The frame length the endpointer feeds (20 ms). Any other length works too: samples are buffered into
    /// <see cref="ChunkSamples"/>-sample chunks.
    /// </summary>
    public int FrameSamples => SpeechAudio.FrameSamples;

    /// <summary>The probability of the most recent complete chunk (what <see cref="Process"/> last returned).</summary>
    public float Probability => _probability;

    /// <summary>Chunks scored since creation or the last <see cref="Reset"/> (a change means <see cref="Probability"/> is new).</summary>
    public long Chunks { get; private set; }

    /// <summary>
    /// Tries to create a detector; on failure <paramref name="whyNot"/> says why (model file missing, native ONNX
    /// Runtime missing, model not loadable or not a Silero VAD) and the caller can use another detector.
    /// </summary>
    public static bool TryCreate(string? modelPath, out SileroVad? vad, out string? whyNot)
    {
        vad = null;
        var path = ResolveModelPath(modelPath);
        if (!File.Exists(path))
        {
            whyNot = $"Silero VAD model not found at {path} (scripts/fetch-models.sh fetches it)";
            return false;
        }

        try
        {
            vad = new SileroVad(path);
            // One chunk of silence proves the model runs with these inputs and outputs; then start clean.
            vad.Process(new short[ChunkSamples]);
            vad.Reset();
            whyNot = null;
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
                                       or TypeInitializationException)
        {
            vad?.Dispose();
            vad = null;
            whyNot = $"ONNX Runtime native library not loadable ({FirstSentence(ex.GetBaseException().Message)})";
            return false;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or IOException or UnauthorizedAccessException
                                       or InvalidDataException or ArgumentException)
        {
            vad?.Dispose();
            vad = null;
            whyNot = $"Silero VAD model at {path} not usable ({ex.Message})";
            return false;
        }
    }

    /// <summary>
    /// The file a configured model path refers to. Absolute paths are taken as they are; a relative path (default
    /// <see cref="DefaultModelPath"/>) is looked for under the current directory, then under the application's
    /// base directory and each of its parents, so both a deployment (model beside the binaries or under the working
    /// directory) and <c>dotnet run</c>/<c>dotnet test</c> in the repository (binaries under <c>bin/</c>, model at
    /// the repository root) find it. When nothing exists, the path under the current directory is returned.
    /// </summary>
    public static string ResolveModelPath(string? modelPath)
    {
        var relative = string.IsNullOrWhiteSpace(modelPath) ? DefaultModelPath : modelPath;
        if (Path.IsPathRooted(relative))
        {
            return relative;
        }

        var fromWorkingDirectory = Path.GetFullPath(relative);
        if (File.Exists(fromWorkingDirectory))
        {
            return fromWorkingDirectory;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return fromWorkingDirectory;
    }

    /// <inheritdoc />
    public float Process(ReadOnlySpan<short> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!frame.IsEmpty)
        {
            var take = Math.Min(frame.Length, ChunkSamples - _filled);
            var dest = _input.AsSpan(ContextSamples + _filled, take);
            for (var i = 0; i < take; i++)
            {
                dest[i] = frame[i] * (1f / 32768f);
            }

            _filled += take;
            frame = frame[take..];
            if (_filled == ChunkSamples)
            {
                RunChunk();
            }
        }

        return _probability;
    }

    /// <inheritdoc />
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Array.Clear(_input);
        Array.Clear(_state);
        _filled = 0;
        _probability = 0;
        Chunks = 0;
    }

    /// <summary>Releases the native tensors; the shared session stays for the process's lifetime.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var v in _values)
        {
            v.Dispose();
        }
    }

    private void RunChunk()
    {
        _session.RunWithBinding(_runOptions, _binding);
        _stateOut.AsSpan().CopyTo(_state);
        // The last 64 samples of this chunk are the next chunk's context.
        _input.AsSpan(_input.Length - ContextSamples).CopyTo(_input);
        _filled = 0;
        _probability = _probabilityOut[0];
        Chunks++;
    }

    // The loader's message goes on to list every path it probed, over a dozen lines: one log line is enough.
    private static string FirstSentence(string message)
    {
        var end = message.IndexOfAny(['\n', '\r']);
        var line = end < 0 ? message : message[..end];
        var stop = line.IndexOf(". ", StringComparison.Ordinal);
        return (stop < 0 ? line : line[..(stop + 1)]).Trim();
    }

    private static InferenceSession SharedSession(string path)
    {
        var key = Path.GetFullPath(path);
        lock (s_sessionsLock)
        {
            if (s_sessions.TryGetValue(key, out var session))
            {
                return session;
            }

            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            session = new InferenceSession(key, options);
            try
            {
                Validate(session, key);
            }
            catch
            {
                session.Dispose();
                throw;
            }

            // Cached only once it loaded and validated: a failed attempt is retried on the next call (e.g. after
            // the model was fetched).
            s_sessions[key] = session;
            return session;
        }
    }

    private static void Validate(InferenceSession session, string path)
    {
        foreach (var name in new[] { InputName, StateName })
        {
            if (!session.InputMetadata.ContainsKey(name))
            {
                throw new InvalidDataException($"{path} has no input '{name}': not a Silero VAD v5-style model");
            }
        }

        foreach (var name in s_outputNames)
        {
            if (!session.OutputMetadata.ContainsKey(name))
            {
                throw new InvalidDataException($"{path} has no output '{name}': not a Silero VAD v5-style model");
            }
        }
    }
}
