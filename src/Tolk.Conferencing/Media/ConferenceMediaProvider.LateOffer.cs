using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Calls;

namespace Tolk.Conferencing.Media;

public sealed partial class ConferenceMediaProvider : ILateOfferMediaProvider
{
    /// <inheritdoc />
    public async ValueTask<MediaOfferResult> CreateOfferAsync(CallSession call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var address = call.MediaAddress;
        await RecallLanguageAsync(call, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.Allocate(address);
            // The offered pair stays bound until the answer arrives; if it was taken since the probe, try another.
            if (RtpPortPlaceholder.TryHold(address, port) is not { } placeholder)
            {
                Ports.Release(port);
                if (attempt < BindAttempts)
                {
                    continue;
                }

                throw new SocketException((int)SocketError.AddressAlreadyInUse);
            }

            var media = new ConferenceCallMedia(this, call, new IPEndPoint(address, port), placeholder);
            var offer = await media.CreateOfferAsync();
            return MediaOfferResult.Accept(offer, media);
        }
    }
}
