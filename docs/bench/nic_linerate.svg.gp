set output 'nic_linerate.svg'
set terminal svg size 800,450 fixed enhanced font 'sans,12' background rgb 'white'
$rates << EOD
64,14880952,14880952,1.0000
65,14706014,14705882,1.0000
127,8503416,8503401,1.0000
128,8445946,8445946,1.0000
256,4528986,4528986,1.0000
512,2349624,2349624,1.0000
1024,1197318,1197318,1.0000
1280,961538,961538,1.0000
1518,812744,812744,1.0000
9018,138305,138305,1.0000
EOD
set title 'nic\_linerate: back-to-back frames, DMA read latency 1000 ns'
set datafile separator ','
set logscale xy
set xlabel 'frame size, bytes (DA..FCS)'
set ylabel 'frames/s on XGMII'
set grid
set key top right
set format y '%.0s%c'
set xrange [56:10000]
set samples 400
line_rate(x) = 10e9 / ((x + 20) * 8)
plot line_rate(x) with lines lw 2 lc rgb '#888888' title '10GbE line rate: 10e9 / ((size + 20) * 8)', \
     $rates using 1:2 with points pt 7 ps 0.8 lc rgb '#1f77b4' title 'measured'
