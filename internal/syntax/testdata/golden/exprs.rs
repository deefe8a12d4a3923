fn exprs() {
    let a = f(1, 2).g::<u8>(x)?.h.0.1;
    let b = &mut *p as *const u8 as usize;
    let c = !x && -y < z || a == b;
    let d = unsafe { libc::getpid() } + async move { 1 }.await;
    let e = |x: u8, y| -> u8 { x + y };
    let g = move || S { a, b: 2, ..Default::default() };
    let Some(h) = opt else { return; };
    if let Some(x) = y && x > 0 { } else if c { } else { }
    match v { 0 | 1 => {} 2..=9 if ok => go(), S { x, .. } => (), _ => unreachable!() }
    'outer: for i in 0.. { while let Some(j) = it.next() { break 'outer; } continue; }
    let r = (..5, 1..=2, ..);
    x += [0u8; 4].len();
    let l = loop { break 5 };
    let raw = &raw const val;
    if a {} (b, c);
    match x {}.len();
    const { 1 };
    v[i] = (a,);
}
