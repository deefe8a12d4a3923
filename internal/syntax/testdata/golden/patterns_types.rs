fn pats((a, b): (u8, u8), [first, .., last]: [u8; 3], S { x: ref mut y, z, .. }: S, &(ref p, mut q): &(A, B)) {
    let (T(x, y), E::V { .. }, n @ 1..=5, -1, 'a'..='z', box b, m!()) = v;
}
fn types(a: impl Fn(&u8) -> bool + Send, b: Box<dyn for<'a> Fn(&'a str) + 'static>, c: <T as Iterator>::Item, d: fn(u8, ...) -> !, e: Vec<Vec<u8>>, f: *mut [u8], g: &'static &mut (), h: Option<<T as Tr>::Out>) {}
