namespace Tolk.Conferencing.Calls;

/// <summary>Receives call start and end: metering, billing and live status listen here.</summary>
public interface ICallEventSink
{
    void CallStarted(CallSession call);

    void CallEnded(CallSession call);
}
