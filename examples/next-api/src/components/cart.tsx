'use client';

export function Cart() {
  return <button onClick={() => fetch('https://rates.example.test/eur')}>Refresh rates</button>;
}
