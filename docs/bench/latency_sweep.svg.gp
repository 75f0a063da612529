set output 'docs/bench/latency_sweep.svg'
set terminal svg size 2100,420 fixed enhanced font 'sans,12' background rgb 'white'
$ring << EOD
64 265.4 595.2 646.4 19.2 1526.2
128 265.4 595.2 697.6 19.2 1577.4
256 265.4 595.2 800 19.2 1679.8
512 265.4 595.2 1004.8 19.2 1884.6
1024 265.4 595.2 1420.8 19.2 2300.6
1280 265.4 595.2 1632 19.2 2511.8
1518 265.4 595.2 1824 19.2 2703.8
EOD
$push << EOD
64 271.8 0 659.2 19.2 950.2
128 271.8 0 710.4 19.2 1001.4
256 271.8 0 812.8 19.2 1103.8
512 271.8 0 1017.6 19.2 1308.6
1024 271.8 0 1433.6 19.2 1724.6
1280 271.8 0 1644.8 19.2 1935.8
1518 271.8 0 1836.8 19.2 2127.8
EOD
$inline << EOD
64 284.6 0 0 89.6 374.2
128 297.4 0 0 140.8 438.2
256 323 0 0 243.2 566.2
512 271.8 0 1017.6 19.2 1308.6
1024 271.8 0 1433.6 19.2 1724.6
1280 271.8 0 1644.8 19.2 1935.8
1518 271.8 0 1836.8 19.2 2127.8
EOD
$ring_ct << EOD
64 265.4 582.4 608 57.6 1513.4
128 265.4 582.4 608 108.8 1564.6
256 265.4 582.4 608 121.6 1577.4
512 265.4 582.4 608 134.4 1590.2
1024 265.4 582.4 608 160 1615.8
1280 265.4 582.4 608 172.8 1628.6
1518 265.4 582.4 608 185.6 1641.4
EOD
$push_ct << EOD
64 271.8 0 614.4 57.6 943.8
128 271.8 0 614.4 108.8 995
256 271.8 0 614.4 121.6 1007.8
512 271.8 0 614.4 134.4 1020.6
1024 271.8 0 614.4 160 1046.2
1280 271.8 0 614.4 172.8 1059
1518 271.8 0 614.4 185.6 1071.8
EOD
set multiplot layout 1,5 title 'latency\_sweep: doorbell to first byte on XGMII, unloaded, median of 20 frames per size, 20 us apart'
set xlabel 'frame size, bytes'
set ylabel 'ns'
set yrange [0:3380]
set xrange [0:1600]
set grid
set key top left opaque
set style fill solid 0.85 noborder
set title 'TX mode ring'
plot $ring using 1:($2+$3+$4+$5) with filledcurves y=0 lc rgb '#d62728' title 'MAC', \
     $ring using 1:($2+$3+$4) with filledcurves y=0 lc rgb '#2ca02c' title 'data DMA', \
     $ring using 1:($2+$3) with filledcurves y=0 lc rgb '#ff7f0e' title 'descriptor', \
     $ring using 1:2 with filledcurves y=0 lc rgb '#1f77b4' title 'MMIO', \
     $ring using 1:6 with linespoints pt 7 ps 0.6 lc rgb 'black' title 'total'
set title 'TX mode push'
plot $push using 1:($2+$3+$4+$5) with filledcurves y=0 lc rgb '#d62728' title 'MAC', \
     $push using 1:($2+$3+$4) with filledcurves y=0 lc rgb '#2ca02c' title 'data DMA', \
     $push using 1:($2+$3) with filledcurves y=0 lc rgb '#ff7f0e' title 'descriptor', \
     $push using 1:2 with filledcurves y=0 lc rgb '#1f77b4' title 'MMIO', \
     $push using 1:6 with linespoints pt 7 ps 0.6 lc rgb 'black' title 'total'
set title 'TX mode inline'
plot $inline using 1:($2+$3+$4+$5) with filledcurves y=0 lc rgb '#d62728' title 'MAC', \
     $inline using 1:($2+$3+$4) with filledcurves y=0 lc rgb '#2ca02c' title 'data DMA', \
     $inline using 1:($2+$3) with filledcurves y=0 lc rgb '#ff7f0e' title 'descriptor', \
     $inline using 1:2 with filledcurves y=0 lc rgb '#1f77b4' title 'MMIO', \
     $inline using 1:6 with linespoints pt 7 ps 0.6 lc rgb 'black' title 'total'
set title 'TX mode ring-ct'
plot $ring_ct using 1:($2+$3+$4+$5) with filledcurves y=0 lc rgb '#d62728' title 'MAC', \
     $ring_ct using 1:($2+$3+$4) with filledcurves y=0 lc rgb '#2ca02c' title 'data DMA', \
     $ring_ct using 1:($2+$3) with filledcurves y=0 lc rgb '#ff7f0e' title 'descriptor', \
     $ring_ct using 1:2 with filledcurves y=0 lc rgb '#1f77b4' title 'MMIO', \
     $ring_ct using 1:6 with linespoints pt 7 ps 0.6 lc rgb 'black' title 'total'
set title 'TX mode push-ct'
plot $push_ct using 1:($2+$3+$4+$5) with filledcurves y=0 lc rgb '#d62728' title 'MAC', \
     $push_ct using 1:($2+$3+$4) with filledcurves y=0 lc rgb '#2ca02c' title 'data DMA', \
     $push_ct using 1:($2+$3) with filledcurves y=0 lc rgb '#ff7f0e' title 'descriptor', \
     $push_ct using 1:2 with filledcurves y=0 lc rgb '#1f77b4' title 'MMIO', \
     $push_ct using 1:6 with linespoints pt 7 ps 0.6 lc rgb 'black' title 'total'
unset multiplot
