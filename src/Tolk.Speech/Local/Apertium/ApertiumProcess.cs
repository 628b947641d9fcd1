using System.Diagnostics;
using System.Text;

namespace Tolk.Speech.Local.Apertium;

/// <summary>
/// One resident Apertium pipeline for one language pair. Requests are serialised: each is written as
/// <c>text\n\0</c> and its answer is read up to the NUL the null-flush pipeline echoes. A pipeline that dies or
/// times out is killed and started again on the next request.
/// </summary>
internal sealed class ApertiumProcess : IDisposable
{
    private readonly string _pipeline;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _buffer = new byte[8192];
    private Process? _process;
    private bool _disposed;

    public ApertiumProcess(string pipeline)
    {
        _pipeline = pipeline;
    }

    public int Restarts { get; private set; }

    public async Task<string> TranslateAsync(string escaped, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var process = EnsureStarted();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                var input = Encoding.UTF8.GetBytes(escaped + "\n\0");
                await process.StandardInput.BaseStream.WriteAsync(input, cts.Token).ConfigureAwait(false);
                await process.StandardInput.BaseStream.FlushAsync(cts.Token).ConfigureAwait(false);
                return await ReadUntilNulAsync(process.StandardOutput.BaseStream, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
            {
                // A half-read answer would desynchronise every later request: start afresh.
                Kill();
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new SpeechProviderException($"Apertium pipeline failed or timed out after {timeout.TotalMilliseconds:F0} ms.", ex);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> ReadUntilNulAsync(Stream stdout, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        while (true)
        {
            var n = await stdout.ReadAsync(_buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("Apertium pipeline closed its output.");
            }

            if (_buffer[0] == 0)
            {
                return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
            }

            ms.WriteByte(_buffer[0]);
        }
    }

    private Process EnsureStarted()
    {
        if (_process is { HasExited: false })
        {
            return _process;
        }

        if (_process is not null)
        {
            Restarts++;
            _process.Dispose();
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
        _process = Process.Start(psi) ?? throw new SpeechProviderException("Could not start the Apertium pipeline.");
        return _process;
    }

    private void Kill()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        _process.Dispose();
        _process = null;
        Restarts++;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        _gate.Dispose();
    }
}
