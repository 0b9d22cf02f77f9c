using Microsoft.Extensions.ObjectPool;

namespace Broadsheet.Privacy;

/// <summary>
/// Reusable objects that hold key material and are not safe to share between threads (OpenSSL contexts: an RSA key,
/// an AES-GCM or HMAC context), lent for one operation at a time: as many are made as are used at once, and at least
/// <see cref="Kept"/> are kept for the next borrowers. Not one per thread: a <see cref="ThreadLocal{T}"/> that lists its values so
/// they can be disposed keeps those of every thread that ever used it, and a running instance's pool threads come and
/// go, so copies of the key would pile up for as long as it runs.
/// </summary>
/// <remarks>What the pool does not keep is disposed when it comes back, and what it keeps when the pool is disposed;
/// one still lent out then is disposed on its return.</remarks>
internal sealed class ContextPool<T> : IDisposable
    where T : class, IDisposable
{
    /// <summary>At least this many are kept for reuse: as many as may be used at once without making new ones.</summary>
    public const int Kept = 16;

    private readonly ObjectPool<T> _pool;
    private readonly Policy _policy;

    /// <param name="create">Makes one object; called when none is free.</param>
    public ContextPool(Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _policy = new Policy(create);
        // The provider's pool of an IDisposable type disposes what it does not keep, and the rest when it is disposed.
        // It keeps twice the processor count by default, 4 on a 2-core machine, fewer than the 4 SMTP senders and a
        // request or two may use at once: each return beyond that would dispose a context the next call makes again.
        _pool = new DefaultObjectPoolProvider { MaximumRetained = Math.Max(Environment.ProcessorCount * 2, Kept) }.Create(_policy);
    }

    /// <summary>How many objects have been made so far (for tests).</summary>
    public int Made => _policy.Made;

    /// <summary>An object for this caller alone until it is given back with <see cref="Return"/>.</summary>
    public T Get() => _pool.Get();

    public void Return(T item) => _pool.Return(item);

    public void Dispose() => ((IDisposable)_pool).Dispose();

    private sealed class Policy(Func<T> create) : PooledObjectPolicy<T>
    {
        private int _made;

        public int Made => Volatile.Read(ref _made);

        public override T Create()
        {
            Interlocked.Increment(ref _made);
            return create();
        }

        public override bool Return(T obj) => true;
    }
}
