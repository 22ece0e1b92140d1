/**
 * Identifiers legal and distinct in both Verilog-2005 and VHDL-2008: letters, digits and single
 * underscores, starting with a letter, not a keyword of either language, unique ignoring case (VHDL is
 * case-insensitive). Both printers use the same names, so equivalence checks can pair registers by name.
 */
const KEYWORDS = new Set(
  (
    // Verilog-2005
    "always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default " +
    "defparam design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive " +
    "endspecify endtable endtask event for force forever fork function generate genvar highz0 highz1 if " +
    "ifnone incdir include initial inout input instance integer join large liblist library localparam " +
    "macromodule medium module nand negedge nmos nor noshowcancelled not notif0 notif1 or output parameter " +
    "pmos posedge primitive pull0 pull1 pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos real " +
    "realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small " +
    "specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1 " +
    "triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor " +
    // VHDL-2008
    "abs access after alias all and architecture array assert assume assume_guarantee attribute begin block " +
    "body buffer bus case component configuration constant context cover default disconnect downto else " +
    "elsif end entity exit fairness file for force function generate generic group guarded if impure in " +
    "inertial inout is label library linkage literal loop map mod nand new next nor not null of on open or " +
    "others out package parameter port postponed procedure process property protected pure range record " +
    "register reject release rem report restrict restrict_guarantee return rol ror select sequence severity " +
    "shared signal sla sll sra srl strong subtype then to transport type unaffected units until use " +
    "variable vmode vprop vunit wait when while with xnor xor " +
    // names the printers use for libraries and types
    "ieee std_logic std_logic_vector numeric_std rising_edge resize shift_left shift_right to_signed " +
    "to_unsigned to_integer natural integer boolean string character bit bit_vector work std"
  ).split(/\s+/),
);

export class Namer {
  private readonly taken = new Set<string>();

  /** A legal, unused identifier as close to `want` as possible. */
  name(want: string): string {
    let base = want
      .replace(/[^A-Za-z0-9_]/g, "_")
      .replace(/_+/g, "_")
      .replace(/^_|_$/g, "");
    if (!/^[A-Za-z]/.test(base)) base = `v_${base}`.replace(/_+/g, "_").replace(/_$/, "");
    if (KEYWORDS.has(base.toLowerCase())) base = `${base}_v`;
    let candidate = base;
    for (let k = 2; this.taken.has(candidate.toLowerCase()); k++) candidate = `${base}_${k}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
