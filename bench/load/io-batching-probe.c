// Probe: what batching the media sockets' syscalls through io_uring would save on this kernel.
// N server sockets each take one datagram and send one per 20 ms tick, against a generator process on loopback, as the
// mixer's polled RTP sockets do. Mode 0: one recvmmsg + one sendmsg syscall per socket per tick (what Tolk does now).
// Mode 1: the same 2N operations submitted as one io_uring batch per tick (registered files, MSG_DONTWAIT receives).
// Prints the server side's CPU per receive+send pair (loopback delivery into the generator is charged to the sender,
// as in the media benchmark).
// Build: apt-get install liburing-dev; gcc -O2 -o /tmp/io-batching-probe bench/load/io-batching-probe.c -luring
// Run:   /tmp/io-batching-probe 0 11; sleep 3; /tmp/io-batching-probe 1 11   (mode, seconds)
#define _GNU_SOURCE
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#define N 100
static int mk(int port){int s=socket(AF_INET,SOCK_DGRAM|SOCK_NONBLOCK,0);struct sockaddr_in a={.sin_family=AF_INET,.sin_port=htons(port)};a.sin_addr.s_addr=htonl(0x7f000001);if(bind(s,(void*)&a,sizeof a)){perror("bind");exit(1);}return s;}
static struct sockaddr_in addr(int port){struct sockaddr_in a={.sin_family=AF_INET,.sin_port=htons(port)};a.sin_addr.s_addr=htonl(0x7f000001);return a;}
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static void sleep_until(double t){struct timespec ts;ts.tv_sec=(time_t)t;ts.tv_nsec=(long)((t-ts.tv_sec)*1e9);clock_nanosleep(CLOCK_MONOTONIC,TIMER_ABSTIME,&ts,NULL);}
int main(int argc,char**argv){
  int mode=atoi(argv[1]); int secs=atoi(argv[2]); int base=40000;
  pid_t g=fork();
  if(g==0){ int gs[N]; for(int i=0;i<N;i++) gs[i]=mk(base+N+i);
    char buf[172]={0}; double t0=now()+0.5;
    for(int k=0;k<50*(secs+2);k++){ sleep_until(t0+k*0.02);
      for(int i=0;i<N;i++){struct sockaddr_in a=addr(base+i); sendto(gs[i],buf,172,0,(void*)&a,sizeof a); char r[2000]; while(recv(gs[i],r,sizeof r,0)>0);} }
    return 0; }
  int ss[N]; for(int i=0;i<N;i++) ss[i]=mk(base+i);
  struct io_uring ring; if(mode==1){ if(io_uring_queue_init(512,&ring,0)){perror("uring");return 1;} io_uring_register_files(&ring,ss,N);}
  char rbuf[N][2000]; char sbuf[172]={1}; struct sockaddr_in dst[N]; for(int i=0;i<N;i++) dst[i]=addr(base+N+i);
  struct iovec riov[N], siov[N]; struct msghdr rmh[N], smh[N];
  for(int i=0;i<N;i++){riov[i]=(struct iovec){rbuf[i],2000};siov[i]=(struct iovec){sbuf,172};
    memset(&rmh[i],0,sizeof rmh[i]);rmh[i].msg_iov=&riov[i];rmh[i].msg_iovlen=1;
    memset(&smh[i],0,sizeof smh[i]);smh[i].msg_iov=&siov[i];smh[i].msg_iovlen=1;smh[i].msg_name=&dst[i];smh[i].msg_namelen=sizeof dst[i];}
  double t0=now()+1.0; struct rusage r0,r1; long got=0,sent=0;
  for(int k=0;k<50*secs;k++){ sleep_until(t0+k*0.02+0.01);
    if(k==50)getrusage(RUSAGE_SELF,&r0); /* the first second is warm-up */
    if(mode==0){
      for(int i=0;i<N;i++){ struct mmsghdr mm={.msg_hdr=rmh[i]}; int n=recvmmsg(ss[i],&mm,1,MSG_DONTWAIT,NULL); if(n>0)got+=n;
        if(sendmsg(ss[i],&smh[i],0)>0)sent++; }
    } else {
      for(int i=0;i<N;i++){ struct io_uring_sqe*q=io_uring_get_sqe(&ring); io_uring_prep_recvmsg(q,i,&rmh[i],MSG_DONTWAIT); q->flags|=IOSQE_FIXED_FILE; q->user_data=i;
        q=io_uring_get_sqe(&ring); io_uring_prep_sendmsg(q,i,&smh[i],0); q->flags|=IOSQE_FIXED_FILE; q->user_data=1000+i; }
      io_uring_submit_and_wait(&ring,2*N);
      struct io_uring_cqe*c; unsigned head; int cnt=0; io_uring_for_each_cqe(&ring,head,c){ if(c->res>0){ if(c->user_data<1000)got++; else sent++; } cnt++; } io_uring_cq_advance(&ring,cnt);
    }
  }
  getrusage(RUSAGE_SELF,&r1);
  double u=(r1.ru_utime.tv_sec-r0.ru_utime.tv_sec)+(r1.ru_utime.tv_usec-r0.ru_utime.tv_usec)*1e-6;
  double s=(r1.ru_stime.tv_sec-r0.ru_stime.tv_sec)+(r1.ru_stime.tv_usec-r0.ru_stime.tv_usec)*1e-6;
  double w=(secs-1);
  printf("mode=%d got=%ld sent=%ld user=%.3f sys=%.3f cpu%%=%.2f per-pkt-pair us=%.2f\n",mode,got,sent,u,s,100*(u+s)/w,1e6*(u+s)/(w*50*N));
  waitpid(g,NULL,0); return 0; }
