using System.Diagnostics;
using System.Text;

namespace Tolk.Speech.Local.Apertium;

/// <summary>
/// One resident Apertium pipeline for one language pair, shared by every speaker who needs that pair. Requests are
/// pipelined: each is written as <c>text\n\0</c> as soon as it comes, and a reader hands the answers, each ending at
/// the NUL the null-flush pipeline echoes, to the requests in the order they were written. A caller that stops
/// waiting (its own timeout, a hang-up) only stops waiting: its answer is read and dropped when it comes. The
/// pipeline is restarted only when it exits or stalls (requests outstanding and no output for the stall timeout) —
/// restarting it for one slow answer under load cost every other speaker half a second of CPU and their answers.
/// </summary>
internal sealed class ApertiumProcess : IDisposable
{
    private readonly string _pipeline;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _lock = new();
    private Instance? _current;
    private int _restarts;
    private bool _disposed;

    public ApertiumProcess(string pipeline, TimeSpan stallTimeout, TimeProvider? time = null)
    {
        _pipeline = pipeline;
        _stallTimeout = stallTimeout;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Pipelines that exited or stalled and were (or will be, at the next request) started again.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    public async Task<string> TranslateAsync(string escaped, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var input = Encoding.UTF8.GetBytes(escaped + "\n\0");
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var instance = EnsureStarted();
            lock (_lock)
            {
                if (instance.Failed)
                {
                    // It died between being started and this request: nothing would ever answer it.
                    throw new SpeechProviderException("The Apertium pipeline stopped as the request was sent.");
                }

                if (instance.Pending.Count == 0)
                {
                    instance.LastProgress = _time.GetTimestamp(); // the stall clock runs only while something is owed
                }

                instance.Pending.Enqueue(answer);
            }

            try
            {
                // Never cancelled half-way: a partial request would shift every later answer onto the wrong caller.
                var stdin = instance.Process.StandardInput.BaseStream;
                await stdin.WriteAsync(input, CancellationToken.None).ConfigureAwait(false);
                await stdin.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                Fail(instance, "its input is closed", ex);
            }
        }
        finally
        {
            _writeGate.Release();
        }

        return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Instance EnsureStarted()
    {
        lock (_lock)
        {
            if (_current is { Failed: false } running)
            {
                return running;
            }
        }

        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(_pipeline);
        var process = Process.Start(psi) ?? throw new SpeechProviderException("Could not start the Apertium pipeline.");
        var instance = new Instance(process) { LastProgress = _time.GetTimestamp() };
        lock (_lock)
        {
            _current = instance;
        }

        var period = TimeSpan.FromTicks(Math.Max(_stallTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        instance.Watchdog = _time.CreateTimer(
            static s =>
            {
                var (owner, watched) = ((ApertiumProcess, Instance))s!;
                owner.CheckStall(watched);
            },
            (this, instance),
            period,
            period);
        _ = Task.Run(() => ReadAnswersAsync(instance));
        return instance;
    }

    private async Task ReadAnswersAsync(Instance instance)
    {
        var buffer = new byte[4096];
        var answer = new MemoryStream();
        try
        {
            var stdout = instance.Process.StandardOutput.BaseStream;
            while (true)
            {
                var n = await stdout.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    Fail(instance, "it closed its output", null);
                    return;
                }

                instance.LastProgress = _time.GetTimestamp();
                var start = 0;
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] != 0)
                    {
                        continue;
                    }

                    answer.Write(buffer, start, i - start);
                    start = i + 1;
                    Answer(instance, Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length));
                    answer.SetLength(0);
                }

                answer.Write(buffer, start, n - start);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Fail(instance, "its output failed", ex);
        }
    }

    private void Answer(Instance instance, string text)
    {
        TaskCompletionSource<string>? waiter;
        lock (_lock)
        {
            instance.Pending.TryDequeue(out waiter);
        }

        // A caller that gave up has stopped listening; completing its source is harmless.
        waiter?.TrySetResult(text);
    }

    private void CheckStall(Instance instance)
    {
        bool stalled;
        lock (_lock)
        {
            stalled = !instance.Failed && instance.Pending.Count > 0 && _time.GetElapsedTime(instance.LastProgress) >= _stallTimeout;
        }

        if (stalled)
        {
            Fail(instance, $"it answered nothing for {_stallTimeout.TotalMilliseconds:F0} ms", null);
        }
    }

    // Fails everything the instance owes, stops it, and lets the next request start a fresh pipeline.
    private void Fail(Instance instance, string why, Exception? cause)
    {
        TaskCompletionSource<string>[] owed;
        lock (_lock)
        {
            if (instance.Failed)
            {
                return;
            }

            instance.Failed = true;
            owed = [.. instance.Pending];
            instance.Pending.Clear();
            if (_current == instance)
            {
                _current = null;
            }
        }

        if (!_disposed)
        {
            Interlocked.Increment(ref _restarts);
        }

        instance.Watchdog?.Dispose();
        try
        {
            instance.Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        instance.Process.Dispose();
        var message = $"The Apertium pipeline was restarted: {why}.";
        var error = cause is null ? new SpeechProviderException(message) : new SpeechProviderException(message, cause);
        foreach (var waiter in owed)
        {
            waiter.TrySetException(error);
        }
    }

    public void Dispose()
    {
        Instance? current;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = _current;
        }

        if (current is not null)
        {
            Fail(current, "the translator was disposed", null);
        }
    }

    /// <summary>One started pipeline and the answers it owes, oldest first (guarded by the owner's lock).</summary>
    private sealed class Instance(Process process)
    {
        private long _lastProgress;

        public Process Process { get; } = process;

        public Queue<TaskCompletionSource<string>> Pending { get; } = new();

        public bool Failed { get; set; }

        public ITimer? Watchdog { get; set; }

        /// <summary>When output last arrived (or the first owed request was written): a timestamp of the owner's clock.</summary>
        public long LastProgress
        {
            get => Volatile.Read(ref _lastProgress);
            set => Volatile.Write(ref _lastProgress, value);
        }
    }
}
