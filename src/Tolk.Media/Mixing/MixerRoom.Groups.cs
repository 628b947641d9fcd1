namespace Tolk.Media.Mixing;

// Personal mixes and their sharing. Every listener's mix is
//   total − (own contribution, if it is being heard) + Σ (g(L,s) − 1)·contribution(s) + Σ extras for L
// so listeners that are not being heard and have the same gain row over the current talkers and the
// same audible extra sources get the same mix: it is computed once into one shared frame.
public sealed partial class MixerRoom
{
    private const long CommonGroupKey = 0;

    private readonly int[] _scratch = new int[N];
    private readonly List<MixGroup> _groups = [];
    private readonly Dictionary<long, int> _groupByKey = [];
    private int _groupCount;

    private void BuildMixes(MixerParticipant[] participants, long tick)
    {
        _groupCount = 0;
        if (_groupByKey.Count > 0)
        {
            _groupByKey.Clear();
        }
        int commonListeners = 0;
        foreach (var p in participants)
        {
            if (p.HasLeft || p.Output is null)
            {
                continue;
            }
            if (p.IsHeard)
            {
                // A talker's mix-minus is unique to it (it excludes itself).
                var own = NextGroup(p);
                own.Frame = p.OwnFrame;
                Compose(p, excludeSelf: true, own, tick, SignatureKey(p, self: true, out _));
                own.Listeners = 1;
                p.GroupIndex = _groupCount - 1;
                p.CurrentFrame = own.Frame;
                continue;
            }

            long key = SignatureKey(p, self: false, out bool modified);
            if (!modified)
            {
                // The common mix: computed for the first such listener, shared by the rest.
                if (commonListeners++ == 0)
                {
                    int peak = PeakLimiter.Process(_total, _commonFrame.Buffer, ref _commonLimiterGain);
                    Stamp(_commonFrame, tick, CommonGroupKey, peak);
                }
                p.CurrentFrame = _commonFrame;
                continue;
            }

            if (_groupByKey.TryGetValue(key, out int index) && SameSignature(p, _groups[index].Representative!))
            {
                var shared = _groups[index];
                shared.Listeners++;
                p.GroupIndex = index;
                p.CurrentFrame = shared.Frame;
                continue;
            }
            var group = NextGroup(p);
            group.Frame = group.PooledFrame;
            Compose(p, excludeSelf: false, group, tick, key);
            group.Listeners = 1;
            _groupByKey.TryAdd(key, _groupCount - 1);
            p.GroupIndex = _groupCount - 1;
            p.CurrentFrame = group.Frame;
        }
        _commonFrame.ListenerCount = commonListeners;
        for (int i = 0; i < _groupCount; i++)
        {
            _groups[i].Frame!.ListenerCount = _groups[i].Listeners;
        }
    }

    private MixGroup NextGroup(MixerParticipant representative)
    {
        if (_groupCount == _groups.Count)
        {
            _groups.Add(new MixGroup());
        }
        var group = _groups[_groupCount++];
        group.Representative = representative;
        group.LimiterGain = representative.LimiterGain;
        group.Listeners = 0;
        return group;
    }

    private void Compose(MixerParticipant listener, bool excludeSelf, MixGroup group, long tick, long key)
    {
        var acc = _scratch.AsSpan();
        if (excludeSelf)
        {
            PcmKernels.Subtract(acc, _total, listener.Contribution);
        }
        else
        {
            _total.CopyTo(acc);
        }
        var gains = listener.GainsFrom;
        if (gains.Count > 0)
        {
            for (int i = 0; i < _heardCount; i++)
            {
                var s = _heard[i];
                if (s != listener && gains.TryGetValue(s, out float g))
                {
                    // total already holds 1·s; add (g − 1)·s. g = 0 cancels s exactly.
                    PcmKernels.AddScaled(acc, s.Contribution, g - 1f);
                }
            }
        }
        for (int j = 0; j < _activeSourceCount; j++)
        {
            var e = _activeSources[j];
            if (e.AudienceSet.Contains(listener))
            {
                float g = e.TickGainFor(listener);
                if (g == e.ContributionGain)
                {
                    PcmKernels.Add(acc, e.Contribution);
                }
                else if (g != 0f)
                {
                    PcmKernels.AddScaled(acc, e.Contribution, g / e.ContributionGain);
                }
            }
        }
        var frame = group.Frame!;
        int peak = PeakLimiter.Process(acc, frame.Buffer, ref group.LimiterGain);
        Stamp(frame, tick, key, peak);
    }

    private static void Stamp(MixedFrame frame, long tick, long key, int peak)
    {
        frame.Tick = tick;
        frame.GroupKey = key;
        frame.IsSilence = peak == 0;
    }

    private bool SameSignature(MixerParticipant a, MixerParticipant b)
    {
        for (int i = 0; i < _heardCount; i++)
        {
            var s = _heard[i];
            if (a.GetGainFrom(s) != b.GetGainFrom(s))
            {
                return false;
            }
        }
        for (int j = 0; j < _activeSourceCount; j++)
        {
            var e = _activeSources[j];
            bool hearsA = e.AudienceSet.Contains(a);
            if (hearsA != e.AudienceSet.Contains(b) || (hearsA && e.TickGainFor(a) != e.TickGainFor(b)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A 64-bit key of the mix composition: which talkers at which gains, which extras, and (for a
    /// talker) whose own voice is removed. Stable for as long as the composition is (never 0).
    /// <paramref name="modified"/> is false when the listener hears the plain common mix.
    /// </summary>
    private long SignatureKey(MixerParticipant listener, bool self, out bool modified)
    {
        ulong h = 14695981039346656037UL;
        modified = self;
        if (self)
        {
            h = Mix(h, 0x5E1F_0000_0000_0000UL ^ (ulong)listener.Serial);
        }
        var gains = listener.GainsFrom;
        if (gains.Count > 0)
        {
            for (int i = 0; i < _heardCount; i++)
            {
                var s = _heard[i];
                if (s != listener && gains.TryGetValue(s, out float g))
                {
                    modified = true;
                    h = Mix(h, (ulong)s.Serial);
                    h = Mix(h, BitConverter.SingleToUInt32Bits(g));
                }
            }
        }
        for (int j = 0; j < _activeSourceCount; j++)
        {
            var e = _activeSources[j];
            if (e.AudienceSet.Contains(listener))
            {
                modified = true;
                h = Mix(h, 0xE000_0000_0000_0000UL ^ (ulong)e.Serial);
                h = Mix(h, BitConverter.SingleToUInt32Bits(e.TickGainFor(listener)));
            }
        }
        long key = (long)h;
        return key == CommonGroupKey ? 1 : key;

        static ulong Mix(ulong h, ulong v) => (h ^ v) * 1099511628211UL;
    }

    private sealed class MixGroup
    {
        public readonly MixedFrame PooledFrame = new();
        public MixedFrame? Frame;
        public MixerParticipant? Representative;
        public float LimiterGain = 1f;
        public int Listeners;
    }
}
