fn before() {}
fn broken() {
    let x = ;
    call(1, 2 3);
    ok();
}
struct S { a: u8 b: u16 }
fn after() { after_call(); }
