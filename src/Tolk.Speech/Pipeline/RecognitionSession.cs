namespace Tolk.Speech.Pipeline;

public sealed partial class TranslationPipeline
{
    /// <summary>
    /// A recognition stream plus its reader: each flush gets a task completed by the stream's next
    /// <see cref="SpeechEndedEvent"/> (with the final result seen before it, if any).
    /// </summary>
    private sealed class RecognitionSession : IAsyncDisposable
    {
        private readonly TranslationPipeline _owner;
        private readonly IRecognitionStream _stream;
        private readonly Queue<TaskCompletionSource<FinalResultEvent?>> _pending = new();
        private readonly Lock _lock = new();
        private readonly CancellationTokenSource _cts = new();
        private readonly Task _reader;
        private FinalResultEvent? _lastFinal;

        private RecognitionSession(TranslationPipeline owner, IRecognitionStream stream)
        {
            _owner = owner;
            _stream = stream;
            _reader = Task.Run(ReadLoopAsync);
        }

        public Exception? Fault { get; private set; }

        public static async Task<RecognitionSession> StartAsync(TranslationPipeline owner, CancellationToken cancellationToken)
        {
            var options = new RecognitionOptions(owner._options.SourceLanguage, SpeechAudio.SampleRate, owner._options.HintPhrases, NarrowbandSource: owner._options.NarrowbandSource);
            var stream = await owner._engines.Recognizer.StartStreamAsync(options, owner._options.Context, cancellationToken)
                .AsTask().WaitAsync(owner._options.RecognitionTimeout, cancellationToken).ConfigureAwait(false);
            return new RecognitionSession(owner, stream);
        }

        public async Task PushAsync(short[] frame, CancellationToken cancellationToken)
        {
            if (Fault is not null)
            {
                return;
            }

            await _stream.PushAudioAsync(frame, cancellationToken).AsTask().WaitAsync(_owner._options.RecognitionTimeout, cancellationToken).ConfigureAwait(false);
        }

        public void MarkFaulted(Exception ex)
        {
            lock (_lock)
            {
                Fault ??= ex;
                while (_pending.TryDequeue(out var t))
                {
                    t.TrySetException(new SpeechProviderException("The recogniser failed.", ex));
                }
            }
        }

        public Task<FinalResultEvent?> FlushAsync(CancellationToken cancellationToken)
        {
            var tcs = new TaskCompletionSource<FinalResultEvent?>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (Fault is not null)
                {
                    tcs.SetException(new SpeechProviderException("The recogniser failed.", Fault));
                    return tcs.Task;
                }

                _pending.Enqueue(tcs);
            }

            // Not awaited here: a hung flush must not stall the frame loop; the phrase loop applies the timeout.
            _ = FlushCoreAsync(cancellationToken);
            return tcs.Task;
        }

        private async Task FlushCoreAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _stream.FlushAsync(cancellationToken).AsTask().WaitAsync(_owner._options.RecognitionTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                MarkFaulted(ex);
            }
        }

        private async Task ReadLoopAsync()
        {
            try
            {
                await foreach (var e in _stream.ReadEventsAsync(_cts.Token).ConfigureAwait(false))
                {
                    switch (e)
                    {
                        case FinalResultEvent f:
                            _lastFinal = f;
                            break;
                        case InterimResultEvent i:
                            _owner.Emit(new InterimTranscript(_owner._time.GetUtcNow(), _owner._options.SourceLanguage, i.Text));
                            break;
                        case SpeechEndedEvent:
                            TaskCompletionSource<FinalResultEvent?>? t;
                            lock (_lock)
                            {
                                _pending.TryDequeue(out t);
                            }

                            t?.TrySetResult(_lastFinal);
                            _lastFinal = null;
                            break;
                    }
                }
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                MarkFaulted(ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync().ConfigureAwait(false);
            MarkFaulted(new ObjectDisposedException(nameof(RecognitionSession)));
            try
            {
                await _stream.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                await _reader.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or SpeechProviderException)
            {
                // A hung engine is abandoned.
            }

            _cts.Dispose();
        }
    }
}
