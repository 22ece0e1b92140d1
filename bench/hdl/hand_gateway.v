// hand_gateway: a hand-written pre-trade risk gateway with the checks of examples/avellaneda.lstep's
// `risk Gateway` block, written as a baseline for the generated gateway (bench/hdl/run.ts).
//
// One event per clock. The verdict of the event on `valid` in cycle n is on the outputs in cycle n+1
// (latency 1 cycle, registered outputs), for every beat: `ok` says the event passed validation (it
// changed state), `accept`/`reason` are the order verdict (0/0 for any other event or an invalid one).
//
// Semantics: those of compiler/lower/risk.ts and compiler/lower/events.ts, the reference interpreter's.
//   event kinds  0 book (a bid, b bid qty, c ask, d ask qty)  1 trade (a price, b qty, c side)
//                2 fill (a price, b qty, c side)  3 timer  4 order (a price, b qty, c side)  5 kill (a on)
//                6, 7 are no event: rejected. A host encodes a field that is not an integer as kind 7.
//   validation   t in [0, 2^50] and t >= the time of the last valid event; prices in [1, 20_000_000];
//                quantities in [0, 10_000_000]; side +1 or -1;
//                kill a in {0, 1}. An invalid event changes nothing.
//   order checks the first failure gives the reason: 1 kill switch; 2 qty = 0 or qty > max_order_qty;
//                3 |position + side * qty| > max_position; 4 qty * price > notional_cap
//                (= floor(max_notional / (lot * tick * multiplier))); 5 no reference price; 6 |price -
//                reference| > band_width, reference = last trade, else mid = (bid + ask) / 2 (compared
//                doubled, so exactly); 7 GCRA: now + rate_tolerance < tat. Only an accepted order
//                sets tat = max(now, tat) + rate_interval.
//                Checks 3 and 4 use qty itself where the spec uses min(qty, max_order_qty): they decide
//                the reason only when check 2 passed, and then the two are equal.
//   fills        position += side * qty, exactly (a 54-bit register: the IR's saturation at
//                +-(2^52 - 10^7) lots needs over 4.5e8 fills and is left out); a fill that leaves the
//                declared range [-1_000_000, 1_000_000] engages the kill switch, which stays engaged.
//   kill         kill_switch = a, except that a release is refused while position is outside its range.
//
// Widths: a hand designer's fixed ones, not proven ones: 64-bit time and tat, 32-bit signed fields,
// limits, 54-bit position, 64-bit notional product and cap.
//
// Limits live in registers written through the config port (cfg_we with cfg_addr/cfg_data writes a
// shadow register; cfg_commit makes every shadow live at once, between events). Reset restores the
// initial state and loads the defaults below (avellaneda's values, pos_limit's default for
// max_position). With FIXED_LIMITS = 1 only max_position is a register and the other limits are the
// avellaneda constants, as in the source file (where only pos_limit is a parameter).
//   cfg_addr 0 max_position  1 max_order_qty  2 notional_cap  3 band_width  4 rate_interval
//            5 rate_tolerance (= (N - 1) * rate_interval). tat stays below 2^51 when
//            rate_tolerance + rate_interval <= 2^50, which the host guarantees.
module hand_gateway #(
    parameter [0:0] FIXED_LIMITS = 1'b0,
    parameter [31:0] DEFAULT_MAX_POSITION   = 32'd50_000,
    parameter [31:0] DEFAULT_MAX_ORDER_QTY  = 32'd10_000,
    parameter [63:0] DEFAULT_NOTIONAL_CAP   = 64'd100_000_000_000,
    parameter [31:0] DEFAULT_BAND_WIDTH     = 32'd500,
    parameter [31:0] DEFAULT_RATE_INTERVAL  = 32'd10_000,
    parameter [63:0] DEFAULT_RATE_TOLERANCE = 64'd990_000
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               cfg_we,
    input  wire [2:0]         cfg_addr,
    input  wire [63:0]        cfg_data,
    input  wire               cfg_commit,
    input  wire               valid,
    input  wire [2:0]         kind,
    input  wire [63:0]        t,
    input  wire signed [31:0] a,
    input  wire signed [31:0] b,
    input  wire signed [31:0] c,
    input  wire signed [31:0] d,
    output reg                out_valid,
    output reg                ok,
    output reg                accept,
    output reg  [2:0]         reason
);
    localparam [2:0] K_BOOK = 3'd0, K_TRADE = 3'd1, K_FILL = 3'd2, K_TIMER = 3'd3, K_ORDER = 3'd4, K_KILL = 3'd5;
    localparam signed [31:0] PRICE_MAX = 32'sd20_000_000;
    localparam signed [31:0] QTY_MAX   = 32'sd10_000_000;
    localparam signed [53:0] POS_MAX   = 54'sd1_000_000;
    localparam [63:0] TIME_MAX = 64'd1 << 50;

    // ---- limits: shadow registers, committed together ----
    reg [31:0] max_position_r, max_order_qty_r, band_width_r, rate_interval_r;
    reg [63:0] notional_cap_r, rate_tolerance_r;
    reg [31:0] max_position_s, max_order_qty_s, band_width_s, rate_interval_s;
    reg [63:0] notional_cap_s, rate_tolerance_s;

    always @(posedge clk) begin
        if (rst) begin
            max_position_s   <= DEFAULT_MAX_POSITION;
            max_order_qty_s  <= DEFAULT_MAX_ORDER_QTY;
            notional_cap_s   <= DEFAULT_NOTIONAL_CAP;
            band_width_s     <= DEFAULT_BAND_WIDTH;
            rate_interval_s  <= DEFAULT_RATE_INTERVAL;
            rate_tolerance_s <= DEFAULT_RATE_TOLERANCE;
            max_position_r   <= DEFAULT_MAX_POSITION;
            max_order_qty_r  <= DEFAULT_MAX_ORDER_QTY;
            notional_cap_r   <= DEFAULT_NOTIONAL_CAP;
            band_width_r     <= DEFAULT_BAND_WIDTH;
            rate_interval_r  <= DEFAULT_RATE_INTERVAL;
            rate_tolerance_r <= DEFAULT_RATE_TOLERANCE;
        end else begin
            if (cfg_we) begin
                case (cfg_addr)
                    3'd0: max_position_s   <= cfg_data[31:0];
                    3'd1: max_order_qty_s  <= cfg_data[31:0];
                    3'd2: notional_cap_s   <= cfg_data;
                    3'd3: band_width_s     <= cfg_data[31:0];
                    3'd4: rate_interval_s  <= cfg_data[31:0];
                    3'd5: rate_tolerance_s <= cfg_data;
                    default: ;
                endcase
            end
            if (cfg_commit) begin
                max_position_r   <= max_position_s;
                max_order_qty_r  <= max_order_qty_s;
                notional_cap_r   <= notional_cap_s;
                band_width_r     <= band_width_s;
                rate_interval_r  <= rate_interval_s;
                rate_tolerance_r <= rate_tolerance_s;
            end
        end
    end

    wire [31:0] max_position   = max_position_r;
    wire [31:0] max_order_qty  = FIXED_LIMITS ? DEFAULT_MAX_ORDER_QTY  : max_order_qty_r;
    wire [63:0] notional_cap   = FIXED_LIMITS ? DEFAULT_NOTIONAL_CAP   : notional_cap_r;
    wire [31:0] band_width     = FIXED_LIMITS ? DEFAULT_BAND_WIDTH     : band_width_r;
    wire [31:0] rate_interval  = FIXED_LIMITS ? DEFAULT_RATE_INTERVAL  : rate_interval_r;
    wire [63:0] rate_tolerance = FIXED_LIMITS ? DEFAULT_RATE_TOLERANCE : rate_tolerance_r;

    // ---- state ----
    reg signed [53:0] position;
    reg        [31:0] bid, ask, last_trade;
    reg        [63:0] last_time, tat;
    reg               kill_switch;

    // ---- validation ----
    wire price_a_ok = a >= 32'sd1 && a <= PRICE_MAX;
    wire price_c_ok = c >= 32'sd1 && c <= PRICE_MAX;
    wire qty0_b_ok  = b >= 32'sd0 && b <= QTY_MAX;
    wire qty0_d_ok  = d >= 32'sd0 && d <= QTY_MAX;
    wire side_c_ok  = c == 32'sd1 || c == -32'sd1;
    reg  fields_ok;
    always @(*) begin
        case (kind)
            K_BOOK:           fields_ok = price_a_ok && qty0_b_ok && price_c_ok && qty0_d_ok;
            K_TRADE, K_FILL:  fields_ok = price_a_ok && qty0_b_ok && side_c_ok;
            K_TIMER:          fields_ok = 1'b1;
            K_ORDER:          fields_ok = price_a_ok && qty0_b_ok && side_c_ok;
            K_KILL:           fields_ok = a == 32'sd0 || a == 32'sd1;
            default:          fields_ok = 1'b0;
        endcase
    end
    wire time_ok = t <= TIME_MAX && t >= last_time;
    wire event_ok = valid && fields_ok && time_ok;

    // ---- order checks (fields of an order: a price, b qty, c side) ----
    wire        buy        = !c[31];
    wire signed [53:0] b54   = {{22{b[31]}}, b};
    wire signed [53:0] after = buy ? position + b54 : position - b54;
    wire [53:0] after_abs  = after[53] ? -after : after;
    wire [63:0] notional   = $unsigned(b) * $unsigned(a);
    // doubled prices: the mid has one fraction bit
    wire [32:0] ref2       = last_trade != 32'd0 ? {last_trade, 1'b0} : {1'b0, bid} + {1'b0, ask};
    wire signed [34:0] dev2 = $signed({2'b00, a, 1'b0}) - $signed({2'b00, ref2});
    wire [34:0] dev2_abs   = dev2[34] ? -dev2 : dev2;

    wire fail_kill     = kill_switch;
    wire fail_qty      = b == 32'sd0 || $unsigned(b) > max_order_qty;
    wire fail_position = after_abs > {22'd0, max_position};
    wire fail_notional = notional > notional_cap;
    wire fail_no_ref   = ref2 == 33'd0;
    wire fail_band     = dev2_abs > {2'b00, band_width, 1'b0};
    wire fail_rate     = {1'b0, t} + {1'b0, rate_tolerance} < {1'b0, tat};

    reg [2:0] order_reason;
    always @(*) begin
        if (fail_kill)          order_reason = 3'd1;
        else if (fail_qty)      order_reason = 3'd2;
        else if (fail_position) order_reason = 3'd3;
        else if (fail_notional) order_reason = 3'd4;
        else if (fail_no_ref)   order_reason = 3'd5;
        else if (fail_band)     order_reason = 3'd6;
        else if (fail_rate)     order_reason = 3'd7;
        else                    order_reason = 3'd0;
    end
    wire is_order = event_ok && kind == K_ORDER;
    wire accepted = is_order && order_reason == 3'd0;

    // ---- fills ----
    wire signed [53:0] filled = after;
    wire filled_outside   = filled > POS_MAX || filled < -POS_MAX;
    wire position_outside = position > POS_MAX || position < -POS_MAX;

    always @(posedge clk) begin
        if (rst) begin
            position    <= 54'sd0;
            bid         <= 32'd0;
            ask         <= 32'd0;
            last_trade  <= 32'd0;
            last_time   <= 64'd0;
            tat         <= 64'd0;
            kill_switch <= 1'b0;
            out_valid   <= 1'b0;
            ok          <= 1'b0;
            accept      <= 1'b0;
            reason      <= 3'd0;
        end else begin
            out_valid <= valid;
            ok        <= event_ok;
            accept    <= accepted;
            reason    <= is_order ? order_reason : 3'd0;
            if (event_ok) begin
                last_time <= t;
                case (kind)
                    K_BOOK: begin
                        bid <= a;
                        ask <= c;
                    end
                    K_TRADE: last_trade <= a;
                    K_FILL: begin
                        position <= filled;
                        if (filled_outside) kill_switch <= 1'b1;
                    end
                    K_ORDER: if (accepted) tat <= (t > tat ? t : tat) + {32'd0, rate_interval};
                    K_KILL:  kill_switch <= a[0] || position_outside;
                    default: ;
                endcase
            end
        end
    end
endmodule
