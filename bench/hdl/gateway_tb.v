// Replays a command file through a gateway (`GATEWAY`, a macro naming the module, with the parameter
// overrides in `GATEWAY_PARAMS` when that is defined, e.g. "#(.FIXED_LIMITS(1))") one command per
// clock, and writes "ok accept reason" for every out_valid beat. Each command line holds seven hex
// numbers: op and up to six operands.
//   op 0 idle cycle          op 1 event: kind t a b c d (one beat on valid)
//   op 2 config write: addr data                op 3 commit          op 4 reset (one cycle)
// Plusargs: +commands=FILE +verdicts=FILE.
`timescale 1ns / 1ps
module gateway_tb;
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg cfg_we = 1'b0, cfg_commit = 1'b0, valid = 1'b0;
    reg [2:0] cfg_addr = 3'd0, kind = 3'd0;
    reg [63:0] cfg_data = 64'd0, t = 64'd0;
    reg [31:0] a = 32'd0, b = 32'd0, c = 32'd0, d = 32'd0;
    wire out_valid, ok, accept;
    wire [2:0] reason;

`ifndef GATEWAY_PARAMS
`define GATEWAY_PARAMS
`endif
    `GATEWAY `GATEWAY_PARAMS dut (
        .clk(clk), .rst(rst),
        .cfg_we(cfg_we), .cfg_addr(cfg_addr), .cfg_data(cfg_data), .cfg_commit(cfg_commit),
        .valid(valid), .kind(kind), .t(t), .a(a), .b(b), .c(c), .d(d),
        .out_valid(out_valid), .ok(ok), .accept(accept), .reason(reason)
    );

    reg [1023:0] commands_path, verdicts_path;
    integer commands, verdicts, n;
    reg [63:0] op, f0, f1, f2, f3, f4, f5;
    reg done = 1'b0;

    always #5 clk = ~clk;

    initial begin
        if (!$value$plusargs("commands=%s", commands_path) || !$value$plusargs("verdicts=%s", verdicts_path)) begin
            $display("usage: +commands=FILE +verdicts=FILE");
            $finish;
        end
        commands = $fopen(commands_path, "r");
        verdicts = $fopen(verdicts_path, "w");
        if (commands == 0 || verdicts == 0) begin
            $display("cannot open the command or verdict file");
            $finish;
        end
    end

    // Outputs are sampled and inputs driven on the falling edge, half a cycle from either posedge.
    always @(negedge clk) begin
        if (out_valid) $fwrite(verdicts, "%0d %0d %0d\n", ok, accept, reason);
        rst <= 1'b0;
        cfg_we <= 1'b0;
        cfg_commit <= 1'b0;
        valid <= 1'b0;
        if (done) begin
            $fclose(verdicts);
            $finish;
        end
        n = $fscanf(commands, "%h %h %h %h %h %h %h\n", op, f0, f1, f2, f3, f4, f5);
        if (n != 7) done <= 1'b1;
        else begin
            case (op)
                64'd1: begin
                    valid <= 1'b1;
                    kind <= f0[2:0];
                    t <= f1;
                    a <= f2[31:0];
                    b <= f3[31:0];
                    c <= f4[31:0];
                    d <= f5[31:0];
                end
                64'd2: begin
                    cfg_we <= 1'b1;
                    cfg_addr <= f0[2:0];
                    cfg_data <= f1;
                end
                64'd3: cfg_commit <= 1'b1;
                64'd4: rst <= 1'b1;
                default: ;
            endcase
        end
    end
endmodule
